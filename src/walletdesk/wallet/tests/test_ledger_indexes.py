"""The ledger's look-ups still find their rows through an index after ADR 0121 took the
single-column foreign-key indexes away and made the sparse ones partial.

Each look-up is planned as a prepared statement would be, without its values: SQLite plans
``?`` placeholders that way; PostgreSQL is asked for its generic plan (``PREPARE`` with
``plan_cache_mode = force_generic_plan``), the plan a pooled connection settles on once a
statement is prepared (ADR 0120), with sequential scans priced out so that the small test
tables do not hide a missing index."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection, transaction

from walletdesk.wallet import queries

pytestmark = [pytest.mark.django_db, pytest.mark.money]

# (statement with %s placeholders, example values, the indexes the plan must name)
LOOKUPS = [
    (queries.HISTORY_PAGE_IDS_SQL, [1, 20, 1, 1, 20, 20, 0],
     {"txn_customer_recent", "txn_counterparty_recent"}),
    (queries.HISTORY_COUNT_SQL, [1, 1], {"txn_customer_recent", "txn_counterparty_recent"}),
    ("SELECT id FROM wallet_transaction WHERE merchant_id = %s ORDER BY created_at DESC "
     "LIMIT 20", [1], {"txn_merchant_recent"}),
    ("SELECT id FROM wallet_transaction WHERE status = %s AND expires_at <= %s "
     "ORDER BY expires_at LIMIT 500", ["pending", "2026-01-01 00:00:00"], {"txn_pending_expiry"}),
    ("SELECT id FROM wallet_transaction WHERE parent_id = %s", [1], {"txn_parent"}),
    ("SELECT id FROM wallet_transaction WHERE payment_method_id = %s", [1],
     {"txn_payment_method"}),
    ("SELECT id FROM wallet_transaction WHERE fee_policy_id = %s", [1], {"txn_fee_policy"}),
    ("SELECT COUNT(*) FROM wallet_transaction WHERE promotion_id = %s AND customer_id = %s",
     [1, 1], None),  # either index serves it
    ("SELECT amount FROM wallet_posting WHERE source_id = %s AND created_at <= %s", [1, "2026-01-01"],
     {"posting_source_time"}),
    ("SELECT amount FROM wallet_posting WHERE destination_id = %s AND created_at <= %s",
     [1, "2026-01-01"], {"posting_dest_time"}),
]


def _plan(sql: str, values: list[Any]) -> str:
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("EXPLAIN QUERY PLAN " + sql, values)
            return "\n".join(str(row[-1]) for row in cursor.fetchall())
        numbered = iter(range(1, 100))
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL plan_cache_mode = force_generic_plan")
        cursor.execute("PREPARE lookup AS " + re.sub(r"%s", lambda _m: f"${next(numbered)}", sql))
        try:
            literals = ", ".join(f"'{v}'" if isinstance(v, str) else str(v) for v in values)
            cursor.execute(f"EXPLAIN EXECUTE lookup({literals})")
            return "\n".join(row[0] for row in cursor.fetchall())
        finally:
            cursor.execute("DEALLOCATE lookup")


@pytest.mark.parametrize("sql, values, indexes", LOOKUPS)
def test_every_ledger_lookup_uses_an_index(sql: str, values: list[object],
                                           indexes: set[str] | None) -> None:
    plan = _plan(sql, values)
    assert not re.search(r"\bSCAN (wallet_transaction|wallet_posting)\b(?! USING)", plan), plan
    assert "Seq Scan" not in plan, plan
    for name in indexes or ():
        assert name in plan, plan


def test_the_sparse_foreign_keys_have_no_index_of_their_own() -> None:
    """What ADR 0121 took away stays away: one index per look-up, none repeated."""
    with connection.cursor() as cursor:
        found = {table: connection.introspection.get_constraints(cursor, table)
                 for table in ("wallet_transaction", "wallet_posting")}
    single = {(table, tuple(info["columns"])) for table, constraints in found.items()
              for info in constraints.values()
              if info["index"] and not info["unique"] and not info["primary_key"]
              and len(info["columns"]) == 1}
    assert single == {("wallet_transaction", ("payment_method_id",)),
                      ("wallet_transaction", ("parent_id",)),
                      ("wallet_transaction", ("fee_policy_id",)),
                      ("wallet_transaction", ("promotion_id",)),
                      ("wallet_posting", ("transaction_id",))}
