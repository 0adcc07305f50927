"""Parallel answers on PostgreSQL: of many accepts of one request, exactly one refunds."""

from __future__ import annotations

from typing import Any

import pytest

from walletdesk.core.errors import DomainError
from walletdesk.disputes import services
from walletdesk.disputes.models import RefundRequest
from walletdesk.wallet.models import Transaction
from walletdesk.wallet.tests.helpers import assert_ledger_ok, merchant_balance
from walletdesk.wallet.tests.test_concurrency import run_threads

pytestmark = [pytest.mark.postgres, pytest.mark.money, pytest.mark.timeout(120)]


def test_parallel_accepts_exactly_one_wins(ledger_db: None, paid: Any, merchant: Any) -> None:
    p = paid()
    req = services.ask(p.customer, p.payment.public_id, amount=5_000, reason="charged_twice")
    shop_before = merchant_balance(merchant)

    def work(i: int) -> str:
        amount = None if i % 2 else 5_000 - i
        services.accept(merchant, req.public_id, amount)
        return "ok"

    results = run_threads(8, work)
    wins = [r for r in results if r == "ok"]
    losses = [r for r in results if isinstance(r, DomainError)]
    assert len(wins) == 1, results
    assert len(losses) == 7 and {e.code for e in losses} == {"refund_request_answered"}
    req.refresh_from_db()
    refunds = Transaction.objects.filter(type="refund", parent=p.payment)
    assert refunds.count() == 1 and req.granted_amount == refunds.get().amount
    assert merchant_balance(merchant) == shop_before - req.granted_amount
    assert RefundRequest.objects.get(pk=req.pk).status in ("granted", "partially_granted")
    assert_ledger_ok()


def test_accept_and_decline_race(ledger_db: None, paid: Any, merchant: Any) -> None:
    p = paid()
    req = services.ask(p.customer, p.payment.public_id, amount=5_000, reason="charged_twice")

    def work(i: int) -> str:
        if i % 2:
            services.accept(merchant, req.public_id)
        else:
            services.decline(merchant, req.public_id, "we never charged twice")
        return "ok"

    results = run_threads(6, work)
    assert results.count("ok") == 1, results
    req.refresh_from_db()
    assert (req.status == "granted") == Transaction.objects.filter(type="refund").exists()
    assert_ledger_ok()
