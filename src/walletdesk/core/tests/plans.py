"""How the database plans a statement the project sends, as a prepared statement would be
planned, without its values (ADR 0120, ADR 0121): SQLite plans ``?`` placeholders that way;
PostgreSQL is asked for its generic plan (``PREPARE`` with ``plan_cache_mode =
force_generic_plan``), the plan a pooled connection settles on once a statement is prepared,
with sequential scans priced out so that small test tables do not hide a missing index."""

from __future__ import annotations

import re
from typing import Any

from django.db import connection, transaction


def orm(qs: Any) -> tuple[str, list[Any]]:
    """A queryset's statement and values, as Django sends them."""
    sql, params = qs.query.sql_with_params()
    return sql, list(params)


def _literal(value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


def plan(sql: str, values: list[Any]) -> str:
    """The plan of ``sql`` (``%s`` placeholders) for these example values, as text."""
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("EXPLAIN QUERY PLAN " + sql, values)
            return "\n".join(str(row[-1]) for row in cursor.fetchall())
        numbered = iter(range(1, 100))
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL plan_cache_mode = force_generic_plan")
        cursor.execute("PREPARE lookup AS " + re.sub(r"%s", lambda _m: f"${next(numbered)}", sql))
        try:
            cursor.execute(f"EXPLAIN EXECUTE lookup({', '.join(map(_literal, values))})")
            return "\n".join(row[0] for row in cursor.fetchall())
        finally:
            cursor.execute("DEALLOCATE lookup")


def reads_whole(table: str, plan_text: str) -> bool:
    """Whether the plan reads all of ``table`` (or all of one of its indexes) instead of
    searching it: SQLite's "SCAN t" and "SCAN t USING INDEX i", PostgreSQL's "Seq Scan on t"."""
    return bool(re.search(rf"\bSCAN {table}\b", plan_text)
                or re.search(rf"Seq Scan on {table}\b", plan_text))


def single_column_indexes(tables: tuple[str, ...]) -> set[tuple[str, tuple[str, ...]]]:
    """(table, (column,)) of every non-unique one-column index of these tables."""
    with connection.cursor() as cursor:
        found = {table: connection.introspection.get_constraints(cursor, table)
                 for table in tables}
    return {(table, tuple(info["columns"])) for table, constraints in found.items()
            for info in constraints.values()
            if info["index"] and not info["unique"] and not info["primary_key"]
            and len(info["columns"]) == 1}
