"""Dropping the single-column index Django gives a foreign key, without rebuilding the table
(ADR 0121).

``db_index=False`` on an existing foreign key makes Django's SQLite backend rebuild the whole
table (copy, drop, rename), which also drops the table's triggers; the ledger's postings keep
balances with triggers. Migrations that take such an index away therefore change the field in
the migration state only (``SeparateDatabaseAndState``) and call these functions for the
database: the index is found by its columns, so its generated name does not matter.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

Pairs = Iterable[tuple[str, str]]  # (table, column)


def drop_single_column(schema_editor: Any, pairs: Pairs) -> None:
    """Drop every non-unique index on exactly ``column`` of ``table``, for each pair."""
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        for table, column in pairs:
            found = connection.introspection.get_constraints(cursor, table)
            for name, info in found.items():
                if (info["index"] and not info["unique"] and not info["primary_key"]
                        and info["columns"] == [column]):
                    schema_editor.execute(f"DROP INDEX {schema_editor.quote_name(name)}")


def create_single_column(schema_editor: Any, pairs: Pairs) -> None:
    """The indexes Django made for these foreign keys, back (a migration's reverse)."""
    quote = schema_editor.quote_name
    for table, column in pairs:
        name = schema_editor._create_index_name(table, [column])
        schema_editor.execute(f"CREATE INDEX {quote(name)} ON {quote(table)} ({quote(column)})")


def operations(pairs: list[tuple[str, str]]) -> tuple[Callable[..., None], Callable[..., None]]:
    """``RunPython``'s forward and reverse functions for these pairs."""
    def forward(apps: Any, schema_editor: Any) -> None:
        drop_single_column(schema_editor, pairs)

    def reverse(apps: Any, schema_editor: Any) -> None:
        create_single_column(schema_editor, pairs)

    return forward, reverse
