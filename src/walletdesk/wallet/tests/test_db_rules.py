"""The ledger rules hold in the database itself, below Python (SQLite and PostgreSQL)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction

from walletdesk.core import clock
from walletdesk.wallet import queries
from walletdesk.wallet.models import LedgerAccount, Posting, Transaction
from walletdesk.wallet.services import ledger

from .helpers import snapshot

pytestmark = pytest.mark.money


@pytest.fixture
def funded(customer: Any, make_customer: Any, fund: Any) -> tuple[Any, Any, Transaction]:
    bob = make_customer("bob@example.com")
    txn = fund(customer, 1_000)
    return (ledger.customer_account(customer, "CNY"), ledger.customer_account(bob, "CNY"), txn)


def raw_posting(txn: Transaction, src: LedgerAccount, dst: LedgerAccount, amount: int,
                currency: str = "CNY") -> None:
    Posting.objects.create(transaction=txn, source=src, destination=dst, amount=amount,
                           currency=currency, kind="principal", created_at=clock.now())


def refused(fn: Any, *args: Any) -> str:
    before = snapshot()
    with pytest.raises(IntegrityError) as err, transaction.atomic():
        fn(*args)
    assert snapshot() == before
    return str(err.value)


def test_a_posting_that_would_overdraw_is_refused(funded: Any) -> None:
    alice, bob, txn = funded
    assert "account_available_gte_0" in refused(raw_posting, txn, alice, bob, 1_001)
    raw_posting(txn, alice, bob, 1_000)  # exactly the balance is fine
    alice.refresh_from_db()
    bob.refresh_from_db()
    assert (alice.balance, bob.balance) == (0, 1_000)


def test_held_money_cannot_be_posted_away(funded: Any) -> None:
    alice, bob, txn = funded
    ledger.open_hold(txn, alice, "out", 600)
    assert "account_available_gte_0" in refused(raw_posting, txn, alice, bob, 401)


def test_postings_are_append_only(funded: Any) -> None:
    alice, _bob, _txn = funded
    posting = Posting.objects.filter(destination=alice).first()
    assert posting is not None
    assert "postings_append_only" in refused(
        lambda: Posting.objects.filter(pk=posting.pk).update(amount=999_999))
    assert "postings_append_only" in refused(
        lambda: Posting.objects.filter(pk=posting.pk).delete())
    assert "postings_append_only" in refused(
        lambda: connection.cursor().execute("DELETE FROM wallet_posting"))


def test_currency_mismatch_is_refused(funded: Any, customer: Any) -> None:
    alice, bob, txn = funded
    usd = ledger.customer_account(customer, "USD")
    assert "posting_currency_mismatch" in refused(raw_posting, txn, alice, bob, 10, "USD")
    assert "posting_currency_mismatch" in refused(raw_posting, txn, alice, usd, 10, "CNY")


def test_balance_cannot_be_written_around_the_check(funded: Any) -> None:
    alice, _bob, _txn = funded
    assert "account_available_gte_0" in refused(
        lambda: LedgerAccount.objects.filter(pk=alice.pk).update(pending_out=2_000))
    refused(lambda: Posting.objects.create(transaction=_txn, source=alice, destination=alice,
                                           amount=1, currency="CNY", kind="x"))
    refused(lambda: Posting.objects.create(transaction=_txn, source=alice, destination=_bob,
                                           amount=0, currency="CNY", kind="x"))


def test_balance_at_any_past_time(funded: Any, customer: Any) -> None:
    alice, bob, txn = funded
    first = clock.now()
    clock.advance(hours=1)
    raw_posting(txn, alice, bob, 300)
    assert queries.balance_at(alice, first) == 1_000
    assert queries.balance_at(alice, clock.now()) == 700
    assert queries.balance_at(bob, first) == 0
