"""Query counts on the hot paths (as zulip's queries_captured): a regression shows here.

Through the API (issue #16): a transfer is one transaction of 4 statements on PostgreSQL
(idempotency reservation; the sender's risk counter row taken under its lock with the sender's
hold, balance and the recipient; the allowed risk decision with the booking call, ADR 0118;
the stored response), and a balance read at most 2 (the token and the balances). The token look-up is
the same one statement for every authenticated call. On a server the transaction's BEGIN and
COMMIT are two more round trips (``bench_request_cpu`` counts them).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from walletdesk.accounts import token_cache
from walletdesk.wallet import services

pytestmark = pytest.mark.money
PG = "postgresql"


def wallet_queries(ctx: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in ctx.captured_queries if "wallet_" in q["sql"]]


def sql(ctx: CaptureQueriesContext) -> list[str]:
    # The test itself runs in a transaction, so the request's outermost transaction shows up
    # as a savepoint here; on a server it is BEGIN/COMMIT, which psycopg sends on its own.
    return [q["sql"] for q in ctx.captured_queries if "SAVEPOINT" not in q["sql"]]


def test_service_transfer_and_payment_query_counts(customer: Any, make_customer: Any,
                                                   merchant: Any, fund: Any) -> None:
    bob = make_customer("bob@example.com")
    fund(customer, 100_000)
    services.transfer(customer, to=bob.email, amount=1, currency="CNY")  # warm the account hints
    services.pay(customer, merchant=merchant, amount=1, currency="CNY", method="balance")
    # PostgreSQL: one call of wallet_book_transfer (locks, checks, inserts, risk counter).
    # SQLite: read the accounts, insert the transaction, its event, the risk counter row,
    # the postings (ADR 0005, ADR 0046). The fee policy comes from the cache.
    booking = 1 if connection.vendor == PG else 5
    with CaptureQueriesContext(connection) as ctx:
        services.transfer(customer, to=bob.email, amount=100, currency="CNY")
    # and one statement for the sender's hold and balance and the recipient
    assert len(sql(ctx)) == booking + 1, sql(ctx)
    with CaptureQueriesContext(connection) as ctx:
        services.pay(customer, merchant=merchant, amount=100, currency="CNY", method="balance")
    assert len(sql(ctx)) == booking + 1, sql(ctx)


def api_transfer(api: Any, to: str, amount: int, key: str) -> Any:
    return api.post("/api/v1/wallet/transfers", {"to": to, "amount": amount, "currency": "CNY"},
                    key=key)


def test_api_transfer_is_one_transaction_of_four_statements(api: Any, customer: Any,
                                                           make_customer: Any,
                                                           fund: Any) -> None:
    bob = make_customer("bob@example.com")
    fund(customer, 100_000)
    assert api_transfer(api, bob.email, 1, "warm-1").status_code == 201
    token_cache.clear()  # counted cold: the token is read once, then remembered for 2 s
    with CaptureQueriesContext(connection) as ctx:
        r = api_transfer(api, bob.email, 100, "measured-1")
    assert r.status_code == 201, r.content
    statements = sql(ctx)
    token = [s for s in statements if "accounts_apitoken" in s]
    rest = [s for s in statements if "accounts_apitoken" not in s]
    assert len(token) == 1, token
    # SQLite: the counter row apart (no INSERT inside a WITH) and the booking's 5 statements
    expected = 4 if connection.vendor == PG else 10
    assert len(rest) == expected, "\n".join(rest)
    assert "wallet_idempotencyrecord" in rest[0] and "wallet_idempotencyrecord" in rest[-1]
    if connection.vendor == PG:  # the counter row's lock and the reads: one statement
        assert "risk_riskcounter" in rest[1] and "accounts_accounthold" in rest[1]
        # the allowed decision and the booking: one statement
        assert "INSERT INTO risk_riskdecision" in rest[2] and "wallet_book_transfer" in rest[2]
    assert any("risk_riskcounter" in s for s in rest[:3])
    assert any("INSERT INTO risk_riskdecision" in s for s in rest)  # the fixed statement
    # the replay: the reservation and the stored answer (the token is still remembered)
    with CaptureQueriesContext(connection) as ctx:
        again = api_transfer(api, bob.email, 100, "measured-1")
    assert again.json() == r.json()
    assert len(sql(ctx)) == 2, sql(ctx)


def test_api_payment_query_count(api: Any, customer: Any, merchant: Any, fund: Any) -> None:
    fund(customer, 100_000)
    body = {"merchant": merchant.slug, "amount": 100, "currency": "CNY", "method": "balance"}
    assert api.post("/api/v1/wallet/payments", body, key="warm-p").status_code == 201
    with CaptureQueriesContext(connection) as ctx:
        r = api.post("/api/v1/wallet/payments", body, key="measured-p")
    assert r.status_code == 201, r.content
    rest = [s for s in sql(ctx) if "accounts_apitoken" not in s]
    # reservation, counter row with hold + balance (PostgreSQL: one statement), merchant,
    # decision with the booking (PostgreSQL: one statement), stored answer
    expected = 5 if connection.vendor == PG else 11  # the merchant: one more than a transfer
    assert len(rest) == expected, "\n".join(rest)


def test_balance_and_history_query_counts(api: Any, customer: Any, make_customer: Any,
                                          fund: Any) -> None:
    bob = make_customer("bob@example.com")
    fund(customer, 100_000)
    for i in range(3):
        assert api_transfer(api, bob.email, 10 + i, f"h-{i}").status_code == 201
    with CaptureQueriesContext(connection) as ctx:
        r = api.get("/api/v1/wallet")
    assert r.status_code == 200
    assert len(sql(ctx)) <= 2, sql(ctx)  # the token, the balances
    with CaptureQueriesContext(connection) as ctx:
        r = api.get("/api/v1/wallet/transactions", limit=20)
    assert r.status_code == 200 and r.json()["total"] == 4
    assert len(sql(ctx)) <= 3, sql(ctx)  # the token, one page, its total


def test_signed_in_wallet_pages_query_counts(customer: Any, make_customer: Any,
                                             fund: Any) -> None:
    """A signed-in page reads the session with its user, the check that the session's device
    was not signed out and the bell's count (one statement), then what the page shows."""
    from django.test import Client

    from walletdesk.conftest import PASSWORD

    bob = make_customer("bob@example.com")
    fund(customer, 100_000)
    for i in range(3):
        services.transfer(customer, to=bob.email, amount=10 + i, currency="CNY")
    client = Client()
    client.cookies["wd_device"] = "query-count-device-0001"
    r = client.post("/login/", {"username": customer.email, "password": PASSWORD})
    assert r.status_code == 302 and isinstance(client.session.get("device_session"), list)
    client.get("/wallet/")  # the page chrome is cached per process after its first render
    with CaptureQueriesContext(connection) as ctx:
        r = client.get("/wallet/")
    assert r.status_code == 200 and r.content.count(b'data-testid="txn-row"') == 4
    # the session with its user, the device check and the bell's count; recent rows;
    # balances; holds; requests
    assert len(sql(ctx)) <= 5, sql(ctx)
    assert sum("accounts_device" in q for q in sql(ctx)) == 1, sql(ctx)
    assert sum("notify_notification" in q for q in sql(ctx)) == 1, sql(ctx)
    with CaptureQueriesContext(connection) as ctx:
        r = client.get("/wallet/history/")
    assert r.status_code == 200 and r.content.count(b'data-testid="txn-row"') == 4
    assert sum("accounts_device" in q for q in sql(ctx)) == 1, sql(ctx)
