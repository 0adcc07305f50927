"""The ledger's look-ups still find their rows through an index after ADR 0121 took the
single-column foreign-key indexes away and made the sparse ones partial. Each look-up is
planned as a prepared statement would be, without its values (``core.tests.plans``)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from walletdesk.core.tests.plans import orm as _orm
from walletdesk.core.tests.plans import plan, reads_whole, single_column_indexes
from walletdesk.wallet import queries
from walletdesk.wallet.models import Merchant, Posting, Transaction

pytestmark = [pytest.mark.django_db, pytest.mark.money]

AT = datetime(2026, 1, 1, tzinfo=UTC)
Status = Transaction.Status


# (name, the statement the project sends with %s placeholders and example values, the
# indexes its plan must name): the fixed SQL as written, the ORM's as it compiles the
# querysets of the pages, the API, the sweeper and the fee quote.
LOOKUPS: list[tuple[str, Any, set[str]]] = [
    ("history page", lambda: (queries.HISTORY_PAGE_IDS_SQL, [1, 20, 1, 1, 20, 20, 0]),
     {"txn_customer_recent", "txn_counterparty_recent"}),
    ("history count", lambda: (queries.HISTORY_COUNT_SQL, [1, 1]),
     {"txn_customer_recent", "txn_counterparty_recent"}),
    ("a merchant's payments (page and API)", lambda: _orm(queries.filter_history(
        queries.merchant_transactions(Merchant(pk=1)), queries.HistoryFilter())[:20]),
     {"txn_merchant_recent"}),
    ("pending past their deadline (expire_stale)", lambda: _orm(Transaction.objects.filter(
        status=Status.PENDING, expires_at__lte=AT).order_by("expires_at")
        .values_list("pk", flat=True)[:500]), {"txn_pending_expiry"}),
    ("refunds of a payment (detail page)", lambda: _orm(
        Transaction(pk=1).children.order_by("created_at")), {"txn_parent"}),
    ("a card's transactions (on delete, PROTECT)", lambda: _orm(
        Transaction.objects.filter(payment_method__in=[1])), {"txn_payment_method"}),
    ("a fee policy's transactions (on delete, PROTECT)", lambda: _orm(
        Transaction.objects.filter(fee_policy__in=[1])), {"txn_fee_policy"}),
    ("a promotion's uses by one customer (fees.quote)", lambda: _orm(
        Transaction.objects.filter(customer_id=1, promotion_id=1)
        .exclude(status__in=[Status.FAILED, Status.EXPIRED])), set()),  # either index serves
    ("money out of an account until a time (balance_at)", lambda: _orm(
        Posting.objects.filter(source_id=1, created_at__lte=AT)), {"posting_source_time"}),
    ("money into an account until a time (balance_at)", lambda: _orm(
        Posting.objects.filter(destination_id=1, created_at__lte=AT)), {"posting_dest_time"}),
]


@pytest.mark.parametrize("name, statement, indexes", LOOKUPS, ids=[n for n, _s, _i in LOOKUPS])
def test_every_ledger_lookup_uses_an_index(name: str, statement: Any, indexes: set[str]) -> None:
    found = plan(*statement())
    assert not reads_whole("wallet_transaction", found), found
    assert not reads_whole("wallet_posting", found), found
    assert "Seq Scan" not in found, found
    for index in indexes:
        assert index in found, found


def test_the_sparse_foreign_keys_have_no_index_of_their_own() -> None:
    """What ADR 0121 took away stays away: one index per look-up, none repeated."""
    assert single_column_indexes(("wallet_transaction", "wallet_posting")) == {
        ("wallet_transaction", ("payment_method_id",)),
        ("wallet_transaction", ("parent_id",)),
        ("wallet_transaction", ("fee_policy_id",)),
        ("wallet_transaction", ("promotion_id",)),
        ("wallet_posting", ("transaction_id",))}
