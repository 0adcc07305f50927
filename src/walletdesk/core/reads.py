"""Independent reads of one request sent to the database together (issue #16).

A page that needs several unrelated reads (the wallet home: its recent rows, open payment
requests, balances, holds and the bell's count) used to run them one after another, each a
round trip: the request's thread sends a statement, gives up the interpreter, waits, wakes
and parses, five times over. On PostgreSQL ``run`` sends them all at once in psycopg's
pipeline mode and then reads their results in order: one round trip, and the server reads and
answers them in one go. Measured on the bench database (small indexed reads over loopback,
psycopg alone): five reads, client CPU about 300 → 235 µs, PostgreSQL's 225 → 150 µs and the
time to the last answer 590 → 340 µs.

What stays as it was: each read is its own statement, with its own parameters and its own
snapshot (READ COMMITTED), counted once by Django's query capture. Outside a transaction the
reads share one implicit transaction that ends at the pipeline's Sync; inside one they run in
it. An error in one read raises as it would have alone (wrapped as Django's
``DatabaseError``) and the reads after it are not run. SQLite (and any other backend) runs
them one by one.

A ``Read`` is the statement, its parameters and ``finish``, which turns the fetched rows
into the caller's value (model instances, a count, dataclasses).

**In one statement.** When every read also says how its columns read back from JSON
(``Read.columns``: the ones ``core.fixedquery`` compiles do, for columns of plain types), ``run``
sends them on PostgreSQL as one statement instead: ``SELECT (SELECT json_agg(ROW(q.*)) FROM
(<read 1>) q), (…read 2…), …``, each read's rows one JSON array, fetched in one row. A pipeline
still costs the client a cursor, a parameter dump, a prepared-statement look-up and a result per
read; the wallet home's four reads took about 0.95 ms of client CPU through the pipeline and
0.27 ms as one statement (in process, the same reads, a loaded 2-core host; ``docs/
production.md``). Each read keeps its own SQL, parameters, order and ``finish``: the rows it
gets are in its own order (PostgreSQL's documentation: an aggregate over a sorted subquery
takes the rows in that order when the outer level does no other processing, such as a join;
here it does none, and the tests read several rows of each kind back), and they hold
the values psycopg would have given (integers, text, booleans, NULLs; times parsed from JSON's
ISO 8601 with their offset). The reads then share one snapshot, and an error in any of them
raises as Django's ``DatabaseError`` for the statement. Reads without ``columns``, SQLite and
other backends take the paths above.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Generic, TypeVar

import orjson
import psycopg
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Field

T = TypeVar("T")

# Fewer reads go one by one: entering and leaving pipeline mode costs the client about what a
# round trip does (two reads of the history API: client CPU +5 to +20 %, measured in process).
PIPELINE_FROM = 3


# How a column of a read comes back from JSON: as it is (None), or through a function.
Column = Callable[[Any], Any] | None


@dataclass(frozen=True, slots=True)
class Read(Generic[T]):
    sql: str
    params: Sequence[Any]
    finish: Callable[[list[Any]], T]
    # One entry per column of the statement, or None: the read cannot go into one statement.
    columns: tuple[Column, ...] | None = None


# The JSON value of each plain column type, as psycopg gives it: numbers, text and booleans
# as they are; dates and times from ISO 8601 (with the offset PostgreSQL writes).
_FROM_JSON: dict[str, Column] = {
    **dict.fromkeys(("AutoField", "BigAutoField", "SmallAutoField", "IntegerField",
                     "BigIntegerField", "SmallIntegerField", "PositiveIntegerField",
                     "PositiveBigIntegerField", "PositiveSmallIntegerField", "CharField",
                     "TextField", "EmailField", "SlugField", "URLField", "BooleanField")),
    "DateTimeField": datetime.fromisoformat,
    "DateField": date.fromisoformat,
}


def json_columns(fields: Sequence[Field[Any, Any]]) -> tuple[Column, ...] | None:
    """``Read.columns`` for a statement whose columns hold these model fields (a foreign key
    as its target's), or None when one of them has no exact JSON form here (decimals, UUIDs,
    JSON, durations, addresses, bytes, floats...)."""
    out: list[Column] = []
    for field in fields:
        while field.is_relation and field.target_field is not None:  # type: ignore[attr-defined]
            field = field.target_field  # type: ignore[attr-defined]
        kind = field.get_internal_type()
        if kind not in _FROM_JSON:
            return None
        out.append(_FROM_JSON[kind])
    return tuple(out)


def one(read: Read[T], using: str = DEFAULT_DB_ALIAS) -> T:
    """``read`` alone."""
    with connections[using].cursor() as cursor:
        cursor.execute(read.sql, read.params)
        return read.finish(cursor.fetchall())


def run(*reads: Read[Any], using: str = DEFAULT_DB_ALIAS) -> list[Any]:
    """Each read's value, in order; on PostgreSQL in one round trip (in one statement when
    every read has ``columns``)."""
    conn = connections[using]
    if conn.vendor == "postgresql" and len(reads) > 1 and all(
            read.columns is not None for read in reads):
        return _in_one_statement(reads, using)
    if (conn.vendor != "postgresql" or len(reads) < PIPELINE_FROM
            or not psycopg.Pipeline.is_supported()):
        return [one(read, using) for read in reads]
    conn.ensure_connection()
    cursors = [conn.cursor() for _ in reads]
    try:
        with conn.wrap_database_errors, conn.connection.pipeline() as pipeline:
            for cursor, read in zip(cursors, reads, strict=True):
                cursor.execute(read.sql, read.params)
            # The statements and a Sync go out together and every answer comes back in one
            # round trip (fetching first would ask for the answers, then leaving the pipeline
            # would send its Sync and wait again).
            pipeline.sync()
            fetched = [cursor.fetchall() for cursor in cursors]
    finally:
        for cursor in cursors:
            cursor.close()
    return [read.finish(rows) for read, rows in zip(reads, fetched, strict=True)]


def _in_one_statement(reads: Sequence[Read[Any]], using: str) -> list[Any]:
    """PostgreSQL: every read in one statement, each read's rows one JSON array of records
    (``{"f1": …, "f2": …}``, in column order), read back into rows as psycopg gives them."""
    # The reads' own fixed statements, their values as parameters.
    sql = "SELECT " + ", ".join(  # noqa: S608
        "(SELECT json_agg(ROW(q.*))::text FROM (" + read.sql + ") AS q)"  # noqa: S608
        for read in reads)
    params = [p for read in reads for p in read.params]
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        texts = cursor.fetchone()
    return [read.finish(_rows(text, read.columns)) for read, text in zip(reads, texts, strict=True)]


def _rows(text: str | None, columns: tuple[Column, ...] | None) -> list[list[Any]]:
    if text is None:  # no rows: json_agg of nothing is NULL
        return []
    assert columns is not None
    convert = [(i, f) for i, f in enumerate(columns) if f is not None]
    rows = []
    for record in orjson.loads(text):
        row = list(record.values())
        if len(row) != len(columns):
            raise RuntimeError(f"a read gave {len(row)} columns, its Read names {len(columns)}")
        for i, f in convert:
            if row[i] is not None:
                row[i] = f(row[i])
        rows.append(row)
    return rows
