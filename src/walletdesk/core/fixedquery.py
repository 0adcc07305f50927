"""A model query compiled once per database connection and then run with new values.

Building a queryset and compiling it to SQL (``filter``, ``select_related``, ``as_sql``) costs
about half a millisecond of CPU per statement, more than running a small indexed statement on
PostgreSQL. The hot pages run the same few statements on every request with different values
(the user, the time), so ``FixedQuery`` compiles each one once per connection with marker
values in place of the parameters, remembers where each marker landed among the statement's
parameters, and afterwards only executes that SQL with the request's values, turning the rows
into model instances (``select_related`` objects and annotations included) the way Django's
``ModelIterable`` does.

Nothing but the SQL text and the column layout is kept: every call reads the database.
Values are passed by name; a marker must be used only where its value goes (the lookups of
the builder), and every parameter of the compiled statement must be either one of the markers
or a constant of the builder. Compilation checks this and fails loudly otherwise.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

from django.core.exceptions import FieldError
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model, QuerySet
from django.db.models.query import (  # type: ignore[attr-defined]
    ValuesListIterable,
    get_related_populators,
)

from walletdesk.core import reads
from walletdesk.core.reads import Read

M = TypeVar("M", bound=Model)

# Marker values: unlikely constants of any real query, distinct per name. Integers stay within
# positive 32 bits: Django compiles an out-of-range integer lookup to an empty result, not a parameter.
_INT_BASE = 2_117_000_000
_TIME_BASE = datetime(1901, 2, 3, 4, 5, 6, tzinfo=UTC)


def marker(kind: type, index: int) -> Any:
    if kind is int:
        return _INT_BASE + index
    if kind is str:
        return f"\x1ffixed-query-marker-{index}\x1f"
    if kind is datetime:
        return _TIME_BASE.replace(microsecond=index + 1)
    raise TypeError(f"no marker for {kind!r}")


class FixedQuery(Generic[M]):
    """``build(**markers)`` returns the queryset; ``rows(**values)`` runs it (``tuples`` for a
    ``values_list`` queryset)."""

    def __init__(self, build: Callable[..., QuerySet[M, Any]], **kinds: type) -> None:
        self._build = build
        self._kinds = kinds
        self._markers = {name: marker(kind, i) for i, (name, kind) in enumerate(kinds.items())}
        self._compiled: weakref.WeakKeyDictionary[BaseDatabaseWrapper, tuple[Any, ...]] = (
            weakref.WeakKeyDictionary())
        self._lock = threading.Lock()

    def _adapt(self, conn: BaseDatabaseWrapper, name: str, value: Any) -> Any:
        if self._kinds[name] is datetime and value is not None:
            return conn.ops.adapt_datetimefield_value(value)
        return value

    def _compile(self, conn: BaseDatabaseWrapper) -> tuple[Any, ...]:
        qs = self._build(**self._markers)
        compiler = qs.query.get_compiler(using=conn.alias)
        sql, params = compiler.as_sql()
        adapted = {name: self._adapt(conn, name, value) for name, value in self._markers.items()}
        # Each parameter: (name, wrapper) for a marker, (None, value) for the builder's own
        # constant. The wrapper is the type the backend gave the value when it is a subclass of
        # the marker's (psycopg's Int4 for an integer column), applied again to each value.
        layout: list[tuple[str | None, Any]] = []
        for p in params:
            names = [n for n, v in adapted.items() if isinstance(p, type(v)) and p == v]
            if names:
                layout.append((names[0], None if type(p) is type(adapted[names[0]]) else type(p)))
            else:
                layout.append((None, p))
        if {n for n, _w in layout if n is not None} != set(self._markers):
            raise RuntimeError(f"a value of {self._build!r} is not a parameter of its SQL: {sql}")
        select, klass_info = compiler.select, compiler.klass_info
        columns = [col for col, _sql, _alias in select]
        # How each column reads back from JSON, for core.reads' one-statement form (None, and
        # the read keeps its own statement, when a column's type is not known here)
        try:
            from_json = reads.json_columns([col.output_field for col in columns])
        except FieldError:  # an expression without a resolvable output field
            from_json = None
        if qs._iterable_class is ValuesListIterable:  # rows as tuples (``tuples``)
            if qs.query.annotation_select or qs.query.extra_select:
                # ValuesListIterable would reorder such columns; not needed so far
                raise RuntimeError(f"{self._build!r}: values_list of plain fields only")
            return (sql, layout, compiler, compiler.get_converters(columns), None, [], 0, 0,
                    [], {}, from_json)
        start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        return (sql, layout, compiler, compiler.get_converters(columns), klass_info["model"],
                [f[0].target.attname for f in select[start:end]], start, end,
                get_related_populators(klass_info, select, conn.alias),
                dict(compiler.annotation_col_map or {}), from_json)

    def _query(self, conn: BaseDatabaseWrapper) -> tuple[Any, ...]:
        found = self._compiled.get(conn)
        if found is None:
            found = self._compile(conn)
            with self._lock:
                self._compiled[conn] = found
        return found

    def sql(self, using: str = DEFAULT_DB_ALIAS) -> str:
        return str(self._query(connections[using])[0])

    def _params(self, conn: BaseDatabaseWrapper, found: tuple[Any, ...],
                values: dict[str, Any]) -> list[Any]:
        if values.keys() != self._markers.keys():
            raise TypeError(f"expected values for {sorted(self._markers)}, got {sorted(values)}")
        return [v if name is None else self._adapt(conn, name, values[name]) if v is None
                else v(values[name]) for name, v in found[1]]

    @staticmethod
    def _converted(found: tuple[Any, ...], fetched: list[Any]) -> list[Any]:
        compiler, converters = found[2], found[3]
        if converters:
            fetched = list(compiler.apply_converters(fetched, converters))
        return fetched

    def read(self, using: str = DEFAULT_DB_ALIAS, **values: Any) -> Read[list[M]]:
        """The statement run with ``values`` (every marker named) as a ``core.reads.Read`` of
        its model instances, to run beside other reads (``reads.run``)."""
        conn = connections[using]
        found = self._query(conn)
        (_sql, _layout, _compiler, _converters, model, init_list, start, end, populators,
         annotations, from_json) = found
        if model is None:
            raise TypeError("a values_list query: call tuples() or read_tuples()")

        def finish(fetched: list[Any]) -> list[M]:
            return list(self._objects(conn.alias, self._converted(found, fetched), model,
                                      init_list, start, end, populators, annotations))
        return Read(found[0], self._params(conn, found, values), finish, from_json)

    def read_tuples(self, using: str = DEFAULT_DB_ALIAS, **values: Any
                    ) -> Read[list[tuple[Any, ...]]]:
        """``read`` for a ``values_list`` builder: its rows, each value converted by its field
        as ``values_list`` does (no model instances are built)."""
        conn = connections[using]
        found = self._query(conn)
        if found[4] is not None:
            raise TypeError("a model query: call rows() or read()")
        return Read(found[0], self._params(conn, found, values),
                    lambda fetched: [tuple(row) for row in self._converted(found, fetched)],
                    found[10])

    def rows(self, using: str = DEFAULT_DB_ALIAS, **values: Any) -> list[M]:
        """The model instances of the statement run with ``values`` (every marker named)."""
        return reads.one(self.read(using, **values), using)

    def tuples(self, using: str = DEFAULT_DB_ALIAS, **values: Any) -> list[tuple[Any, ...]]:
        """The rows of a ``values_list`` builder run with ``values``."""
        return reads.one(self.read_tuples(using, **values), using)

    @staticmethod
    def _objects(alias: str, fetched: list[Any], model: type[M], init_list: list[str], start: int,
                 end: int, populators: list[Any], annotations: dict[str, int]) -> Iterator[M]:
        for row in fetched:
            obj = model.from_db(alias, init_list, row[start:end])
            for populator in populators:
                populator.populate(row, obj)
            for attr, pos in annotations.items():
                setattr(obj, attr, row[pos])
            yield obj
