"""Query counts on the hot paths (as zulip's queries_captured): a regression shows here."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from walletdesk.wallet import services

pytestmark = pytest.mark.money


def wallet_queries(ctx: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in ctx.captured_queries if "wallet_" in q["sql"]]


def test_transfer_and_payment_query_counts(customer: Any, make_customer: Any, merchant: Any,
                                           fund: Any) -> None:
    bob = make_customer("bob@example.com")
    fund(customer, 100_000)
    services.transfer(customer, to=bob.email, amount=1, currency="CNY")  # warm the account hints
    services.pay(customer, merchant=merchant, amount=1, currency="CNY", method="balance")
    # PostgreSQL: one call of wallet_book_transfer (locks, checks, inserts). SQLite: read the
    # accounts, insert the transaction, its event, its postings (ADR 0005). The fee policy
    # comes from the cache.
    booking = 1 if connection.vendor == "postgresql" else 4
    with CaptureQueriesContext(connection) as ctx:
        services.transfer(customer, to=bob.email, amount=100, currency="CNY")
    assert len(wallet_queries(ctx)) == booking, wallet_queries(ctx)
    # and one statement for the risk hold check and the recipient
    assert len(ctx.captured_queries) == booking + 1, ctx.captured_queries
    with CaptureQueriesContext(connection) as ctx:
        services.pay(customer, merchant=merchant, amount=100, currency="CNY", method="balance")
    assert len(wallet_queries(ctx)) == booking, wallet_queries(ctx)
    assert len(ctx.captured_queries) == booking + 1, ctx.captured_queries
