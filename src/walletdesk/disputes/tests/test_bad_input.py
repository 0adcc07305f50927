"""Every bad input of issue 19 gets a typed 4xx with a stable code, and nothing changes."""

from __future__ import annotations

from typing import Any

import pytest

from walletdesk.disputes.models import RefundRequest, RefundRequestEvent
from walletdesk.wallet import services as wallet
from walletdesk.wallet.tests.helpers import assert_ledger_ok, snapshot

pytestmark = [pytest.mark.money, pytest.mark.security]


def everything() -> dict[str, Any]:
    return {**snapshot(),
            "requests": list(RefundRequest.objects.order_by("pk").values_list(
                "pk", "status", "granted_amount", "conversation_id")),
            "events": RefundRequestEvent.objects.count()}


def _ask(p: Any, txn_id: str | None = None, **body: Any) -> Any:
    return p.api.post(f"/api/v1/wallet/transactions/{txn_id or p.payment.public_id}"
                      "/refund-requests", {"reason": "not_received", **body})


@pytest.mark.parametrize("amount,code", [(0, "invalid_amount"), (-5, "invalid_amount"),
                                         (1.5, "invalid_amount"), ("10", "invalid_amount"),
                                         (8_001, "refund_request_too_large")])
def test_bad_amounts(paid: Any, amount: Any, code: str) -> None:
    p = paid()
    before = everything()
    r = _ask(p, amount=amount)
    assert r.status_code == 422 and r.json()["code"] == code
    assert r.json()["message"]
    assert everything() == before


def test_bad_reason_text_and_another_customers_payment(paid: Any) -> None:
    p, q = paid(), paid()
    before = everything()
    r = _ask(p, reason="because")
    assert r.status_code == 422 and r.json()["code"] == "unknown_refund_reason"
    r = _ask(p, text="x" * 1001)
    assert r.status_code == 422 and r.json()["code"] == "refund_text_too_long"
    r = _ask(p, txn_id=q.payment.public_id)
    assert r.status_code == 404 and r.json()["code"] == "transaction_not_found"
    r = _ask(p, txn_id="tx_00000000000000000000")
    assert r.status_code == 404 and r.json()["code"] == "transaction_not_found"
    assert everything() == before


def test_pending_failed_and_non_payments(paid: Any, merchant: Any) -> None:
    p = paid()  # with its bank card linked (by the fixture's top-up)
    pending = wallet.pay(p.customer, merchant=merchant, amount=1_000, currency="CNY",
                         method="bank_card")
    assert pending.status == "pending"
    failed = wallet.pay(p.customer, merchant=merchant, amount=1_100, currency="CNY",
                        method="bank_card")
    wallet.on_network_result(failed.public_id, "failed")
    topup = p.customer.transactions.filter(type="topup").first()
    before = everything()
    for txn in (pending, failed, topup):
        r = _ask(p, txn_id=txn.public_id)
        assert r.status_code == 422 and r.json()["code"] == "payment_not_refundable", txn.status
    assert everything() == before


def test_second_open_request(paid: Any) -> None:
    p = paid()
    assert _ask(p, amount=1_000).status_code == 201
    before = everything()
    r = _ask(p, amount=1_000)
    assert r.status_code == 409 and r.json()["code"] == "refund_request_exists"
    assert everything() == before


def test_answers_after_a_decision_and_bad_answers(paid: Any) -> None:
    p = paid()
    rid = _ask(p, amount=2_000).json()["id"]
    before = everything()
    r = p.shop.post(f"/api/v1/merchant/refund-requests/{rid}/decline", {"reason": "no"})
    assert r.status_code == 422 and r.json()["code"] == "decline_reason_required"
    r = p.shop.post(f"/api/v1/merchant/refund-requests/{rid}/accept", {"amount": 0})
    assert r.status_code == 422 and r.json()["code"] == "invalid_amount"
    r = p.shop.post("/api/v1/merchant/refund-requests/rr_nothing/accept")
    assert r.status_code == 404 and r.json()["code"] == "refund_request_not_found"
    r = p.api.post(f"/api/v1/wallet/refund-requests/{rid}/escalate")
    assert r.status_code == 409 and r.json()["code"] == "refund_request_not_escalatable"
    r = p.api.post(f"/api/v1/merchant/refund-requests/{rid}/accept")  # a customer's token
    assert r.status_code == 401
    assert everything() == before
    assert p.shop.post(f"/api/v1/merchant/refund-requests/{rid}/accept").status_code == 200
    after = everything()
    for path, body in ((f"{rid}/accept", {}), (f"{rid}/decline", {"reason": "changed mind"})):
        r = p.shop.post(f"/api/v1/merchant/refund-requests/{path}", body)
        assert r.status_code == 409 and r.json()["code"] == "refund_request_answered"
    r = p.api.post(f"/api/v1/wallet/refund-requests/{rid}/escalate")
    assert r.status_code == 409 and r.json()["code"] == "refund_request_not_escalatable"
    assert everything() == after
    assert_ledger_ok()


def test_another_customers_request_is_not_found(paid: Any) -> None:
    p, q = paid(), paid()
    rid = _ask(p).json()["id"]
    assert q.api.get(f"/api/v1/wallet/refund-requests/{rid}").status_code == 404
    assert q.api.post(f"/api/v1/wallet/refund-requests/{rid}/escalate").status_code == 404
    assert q.api.post(f"/api/v1/wallet/refund-requests/{rid}/withdraw").status_code == 404
