"""Concurrency on PostgreSQL: real threads, each with its own database connection."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connections
from django.test import Client

from walletdesk.accounts.services import issue_token
from walletdesk.core.errors import DomainError
from walletdesk.wallet import services
from walletdesk.wallet.models import Transaction

from .helpers import assert_ledger_ok, balance_of, merchant_balance

pytestmark = [pytest.mark.postgres, pytest.mark.timeout(120)]


def run_threads(n: int, work: Callable[[int], Any]) -> list[Any]:
    """Run ``work(i)`` in n threads released together; returns results or exceptions."""
    results: list[Any] = [None] * n
    barrier = threading.Barrier(n)

    def target(i: int) -> None:
        try:
            barrier.wait()
            results[i] = work(i)
        except BaseException as exc:  # collected and asserted by the test
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=100)
    return results


def test_transfers_both_ways_never_deadlock(ledger_db: None, make_customer: Any,
                                            fund: Any) -> None:
    a, b = make_customer(), make_customer()
    fund(a, 100_000)
    fund(b, 100_000)

    def work(i: int) -> list[str]:
        src, dst = (a, b) if i % 2 else (b, a)
        out = []
        for _ in range(15):
            services.transfer(src, to=dst.email, amount=100 + i, currency="CNY")
            out.append("ok")
        return out

    results = run_threads(8, work)
    errors = [r for r in results if isinstance(r, BaseException)]
    assert errors == []
    sent_by_a = sum(15 * (100 + i) for i in range(8) if i % 2)
    sent_by_b = sum(15 * (100 + i) for i in range(8) if not i % 2)
    assert balance_of(a) == 100_000 - sent_by_a + sent_by_b
    assert balance_of(b) == 100_000 - sent_by_b + sent_by_a
    assert Transaction.objects.filter(type="transfer").count() == 120
    assert_ledger_ok()


def test_one_idempotency_key_from_20_clients(ledger_db: None, customer: Any, merchant: Any,
                                            fund: Any) -> None:
    fund(customer, 100_000)
    token = issue_token(customer)
    body = json.dumps({"merchant": merchant.slug, "amount": 1_234, "currency": "CNY",
                       "method": "balance"})

    def work(i: int) -> tuple[int, Any]:
        r = Client().post("/api/v1/wallet/payments", body, content_type="application/json",
                          headers={"Authorization": f"Bearer {token}",
                                   "Idempotency-Key": "same-key-20"})
        return r.status_code, r.json()

    results = run_threads(20, work)
    assert not [r for r in results if isinstance(r, BaseException)], results
    created = [body for status, body in results if status == 201]
    in_progress = [body for status, body in results if status == 409]
    assert len(created) + len(in_progress) == 20, results
    assert all(b["code"] == "idempotency_request_in_progress" for b in in_progress)
    assert len({b["id"] for b in created}) == 1  # every 201 is the same transaction
    assert Transaction.objects.filter(type="payment").count() == 1
    assert balance_of(customer) == 100_000 - 1_234
    assert_ledger_ok()


def test_two_refunds_race_for_the_last_amount(ledger_db: None, customer: Any, merchant: Any,
                                              fund: Any) -> None:
    fund(customer, 10_000)
    payment = services.pay(customer, merchant=merchant, amount=5_000, currency="CNY",
                           method="balance")
    services.refund(merchant, payment_id=payment.public_id, amount=3_000)

    def work(i: int) -> str:
        try:
            services.refund(merchant, payment_id=payment.public_id, amount=2_000)
        except DomainError as exc:
            return exc.code
        return "ok"

    for _round in range(1):
        results = run_threads(2, work)
        assert sorted(results) == ["ok", "refund_exceeds_payment"] or \
            sorted(results) == ["ok", "payment_not_refundable"], results
    payment.refresh_from_db()
    assert (payment.status, payment.refunded_amount) == ("refunded", 5_000)
    assert Transaction.objects.filter(type="refund").count() == 2
    assert balance_of(customer) == 10_000
    assert merchant_balance(merchant) == 0
    assert_ledger_ok()


def test_200_payments_into_one_merchant(ledger_db: None, make_customer: Any, merchant: Any,
                                        fund: Any) -> None:
    payers = [make_customer() for _ in range(8)]
    for p in payers:
        fund(p, 50_000)

    def work(i: int) -> int:
        done = 0
        for k in range(25):
            services.pay(payers[i], merchant=merchant, amount=100 + k, currency="CNY",
                         method="balance")
            done += 1
        return done

    results = run_threads(8, work)
    assert results == [25] * 8, results
    per_payer = sum(100 + k for k in range(25))
    assert Transaction.objects.filter(type="payment", status="completed").count() == 200
    assert merchant_balance(merchant) == 8 * per_payer
    assert all(balance_of(p) == 50_000 - per_payer for p in payers)
    assert_ledger_ok()
