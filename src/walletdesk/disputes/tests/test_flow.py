"""Refund requests through the API: ask, answer, expire, escalate, support decides.

Every path ends with the ledger's invariants; every refusal changes nothing."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from walletdesk.accounts.models import SecurityEvent
from walletdesk.accounts.tests.fixtures import _commit_now, messages_to  # noqa: F401
from walletdesk.casework.services import verification
from walletdesk.casework.tests.conftest import client_for
from walletdesk.core import clock
from walletdesk.disputes import services
from walletdesk.disputes.models import RefundRequest, RefundRequestEvent
from walletdesk.notify.models import Notification
from walletdesk.support.models import Conversation, Message
from walletdesk.support.services import conversations
from walletdesk.wallet.models import Merchant, Transaction
from walletdesk.wallet.services.merchants import issue_api_key
from walletdesk.wallet.tests.helpers import assert_ledger_ok, balance_of, merchant_balance

pytestmark = pytest.mark.money


def _ask(p: Any, **body: Any) -> Any:
    return p.api.post(f"/api/v1/wallet/transactions/{p.payment.public_id}/refund-requests",
                      {"reason": "not_received", **body})


def test_ask_decline_escalate_and_support_refunds(paid: Any, make_staff: Any,
                                                  merchant: Any) -> None:
    p = paid(language="en")
    owner = p.customer.__class__.objects.create_user(
        "shop@example.com", "pw-shop-123456", role="merchant", language="zh-hans")
    Merchant.objects.filter(pk=merchant.pk).update(user=owner)  # save() would drop the key
    r = _ask(p, amount=1_500, text="the parcel never came")
    assert r.status_code == 201, r.json()
    body = r.json()
    assert body["status"] == "open" and body["amount"] == 1_500 and body["respond_by"]
    rid = body["id"]
    # Both sides are told, each in their language.
    assert any("¥15.00" in m["body"] for m in messages_to(p.customer.email))
    shop_mail = messages_to("shop@example.com")
    assert shop_mail and "¥15.00" in shop_mail[0]["body"] and "退款" in shop_mail[0]["subject"]
    assert "请在" in shop_mail[0]["body"]  # the merchant's user reads Chinese
    # The customer's list and detail with its timeline.
    assert [x["id"] for x in p.api.get("/api/v1/wallet/refund-requests").json()] == [rid]
    detail = p.api.get(f"/api/v1/wallet/refund-requests/{rid}").json()
    assert [e["kind"] for e in detail["events"]] == ["asked"]
    # The merchant lists it; another merchant gets 404 on it.
    listed = p.shop.get("/api/v1/merchant/refund-requests").json()
    assert [(x["id"], x["source"], x["status"]) for x in listed] == [(rid, "customer", "open")]
    other = Merchant.objects.create(name="别家", name_en="Other", slug="other-shop")
    from walletdesk.conftest import ApiClient

    stranger = ApiClient(issue_api_key(other))
    assert stranger.post(f"/api/v1/merchant/refund-requests/{rid}/accept").status_code == 404
    assert stranger.post(f"/api/v1/merchant/refund-requests/{rid}/decline",
                         {"reason": "not ours at all"}).status_code == 404
    assert stranger.get("/api/v1/merchant/refund-requests").json() == []
    # Escalating too early is refused.
    early = p.api.post(f"/api/v1/wallet/refund-requests/{rid}/escalate")
    assert early.status_code == 409 and early.json()["code"] == "refund_request_not_escalatable"
    # The merchant declines.
    r = p.shop.post(f"/api/v1/merchant/refund-requests/{rid}/decline",
                    {"reason": "the parcel was delivered on Monday"})
    assert r.status_code == 200 and r.json()["status"] == "declined"
    assert any("delivered on Monday" in m["body"] for m in messages_to(p.customer.email))
    # An answer after the decision is refused.
    again = p.shop.post(f"/api/v1/merchant/refund-requests/{rid}/accept")
    assert again.status_code == 409 and again.json()["code"] == "refund_request_answered"
    # The customer escalates: a support conversation on refunds with the whole story.
    r = p.api.post(f"/api/v1/wallet/refund-requests/{rid}/escalate")
    assert r.status_code == 200, r.json()
    conv = Conversation.objects.get(pk=r.json()["conversation_id"])
    assert r.json()["reference"] == conv.reference and conv.topic == "refunds"
    ctx = conv.context["refund_request"]
    assert ctx["id"] == rid and [e["kind"] for e in ctx["events"]] == ["asked", "declined"]
    assert ctx["payment"]["id"] == p.payment.public_id and ctx["payment"]["history"]
    assert conv.context["picked_transaction"]["id"] == p.payment.public_id
    # The agent takes it, verifies the customer and refunds from the merchant's balance.
    agent = make_staff("agent")
    agent.skills = [*agent.skills, "refunds"]
    agent.save()
    conversations.accept(agent, conv)
    v = verification.start(agent, conv.pk, "in_app")
    verification.confirm(v.pk, p.customer)
    shop_before, customer_before = merchant_balance(merchant), balance_of(p.customer)
    # ¥15.00 is below the fee-refund threshold (¥20.00): no second person needed.
    r = client_for(agent.user).post(f"/api/v1/support/conversations/{conv.pk}/actions",
                                    {"action": "refund_from_merchant",
                                     "reason": "tracking shows no delivery"})
    assert r.status_code == 201 and r.json()["status"] == "done", r.json()
    req = RefundRequest.objects.get(public_id=rid)
    assert req.status == "resolved_by_support" and req.outcome == "refunded"
    assert req.granted_amount == 1_500 and req.refund is not None
    assert merchant_balance(merchant) == shop_before - 1_500
    assert balance_of(p.customer) == customer_before + 1_500
    p.payment.refresh_from_db()
    assert p.payment.status == "partially_refunded" and p.payment.refunded_amount == 1_500
    # Audited, on the conversation's record, told to both sides.
    assert SecurityEvent.objects.filter(kind="support_action_done",
                                        data__action="refund_from_merchant").exists()
    assert Message.objects.filter(conversation=conv, event="action_refund_from_merchant").exists()
    assert any("Customer support refunded ¥15.00" in m["body"]
               for m in messages_to(p.customer.email))
    assert any("¥15.00" in m["body"] for m in messages_to("shop@example.com"))
    assert [e.kind for e in req.events.all()] == ["asked", "declined", "escalated",
                                                  "support_refunded"]
    assert Notification.objects.filter(user=p.customer, kind="refund").count() >= 4
    assert_ledger_ok()


def test_partial_grant_books_through_the_refund_service(paid: Any, merchant: Any) -> None:
    p = paid()
    rid = _ask(p).json()["id"]  # no amount: everything that is left, ¥80.00
    assert RefundRequest.objects.get(public_id=rid).amount == 8_000
    too_much = p.shop.post(f"/api/v1/merchant/refund-requests/{rid}/accept", {"amount": 9_000})
    assert too_much.status_code == 422 and too_much.json()["code"] == "refund_accept_too_large"
    r = p.shop.post(f"/api/v1/merchant/refund-requests/{rid}/accept", {"amount": 2_500})
    assert r.status_code == 200 and r.json()["status"] == "partially_granted", r.json()
    assert r.json()["granted_amount"] == 2_500 and r.json()["refund_id"].startswith("tx_")
    refund = Transaction.objects.get(public_id=r.json()["refund_id"])
    assert refund.type == "refund" and refund.parent_id == p.payment.pk and refund.amount == 2_500
    # A new request may follow for the rest, but never more than what is left.
    over = _ask(p, amount=5_600)
    assert over.status_code == 422 and over.json()["code"] == "refund_request_too_large"
    ok = _ask(p, amount=5_500)
    assert ok.status_code == 201
    full = p.shop.post(f"/api/v1/merchant/refund-requests/{ok.json()['id']}/accept")
    assert full.status_code == 200 and full.json()["status"] == "granted"
    p.payment.refresh_from_db()
    assert p.payment.status == "refunded"
    assert_ledger_ok()


def test_unanswered_request_expires_then_escalates(paid: Any) -> None:
    p = paid(language="en")
    body = _ask(p).json()
    req = RefundRequest.objects.get(public_id=body["id"])
    assert services.expire_due() == 0
    clock.advance(seconds=(req.respond_by - clock.now()).total_seconds() + 1)
    # Past the deadline, an answer is refused even before the job has run.
    late = p.shop.post(f"/api/v1/merchant/refund-requests/{req.public_id}/accept")
    assert late.status_code == 409 and late.json()["code"] == "refund_request_deadline_passed"
    assert services.expire_due() == 1
    req.refresh_from_db()
    assert req.status == "expired"
    assert any("did not answer" in m["body"] for m in messages_to(p.customer.email))
    assert p.shop.post(f"/api/v1/merchant/refund-requests/{req.public_id}/decline",
                       {"reason": "too late now"}).json()["code"] == "refund_request_answered"
    r = p.api.post(f"/api/v1/wallet/refund-requests/{req.public_id}/escalate")
    assert r.status_code == 200 and r.json()["reference"].startswith("CS-")
    assert_ledger_ok()


def test_support_closes_with_a_reason_and_four_eyes_above_the_threshold(
        paid: Any, make_staff: Any, merchant: Any) -> None:
    def escalated(amount: int) -> tuple[Any, Conversation, Any]:
        p = paid(amount=amount)
        rid = _ask(p).json()["id"]
        p.shop.post(f"/api/v1/merchant/refund-requests/{rid}/decline", {"reason": "used item"})
        conv = Conversation.objects.get(
            pk=p.api.post(f"/api/v1/wallet/refund-requests/{rid}/escalate").json()[
                "conversation_id"])
        agent = make_staff("agent")
        agent.skills = [*agent.skills, "refunds"]
        agent.save()
        conversations.accept(agent, conv)
        v = verification.start(agent, conv.pk, "in_app")
        verification.confirm(v.pk, p.customer)
        return p, conv, agent

    _p, conv, agent = escalated(5_000)  # above the ¥20.00 fee-refund threshold
    api = client_for(agent.user)
    r = api.post(f"/api/v1/support/conversations/{conv.pk}/actions",
                 {"action": "refund_from_merchant", "reason": "item never shipped"})
    assert r.status_code == 201 and r.json()["status"] == "awaiting_approval"
    assert RefundRequest.objects.get(conversation=conv).status == "escalated"
    own = api.post(f"/api/v1/support/actions/{r.json()['id']}/approve")
    assert own.status_code == 403
    ok = client_for(make_staff("supervisor").user).post(
        f"/api/v1/support/actions/{r.json()['id']}/approve")
    assert ok.status_code == 200 and ok.json()["status"] == "done", ok.json()
    assert RefundRequest.objects.get(conversation=conv).granted_amount == 5_000

    _p2, conv2, agent2 = escalated(3_000)
    r = client_for(agent2.user).post(f"/api/v1/support/conversations/{conv2.pk}/actions",
                                     {"action": "close_refund_request",
                                      "reason": "the merchant showed proof of delivery"})
    assert r.status_code == 201 and r.json()["status"] == "done", r.json()
    req = RefundRequest.objects.get(conversation=conv2)
    assert req.status == "resolved_by_support" and req.outcome == "closed"
    last = req.events.last()
    assert last is not None and last.kind == RefundRequestEvent.Kind.SUPPORT_CLOSED
    assert "proof of delivery" in last.note
    # Nothing to decide twice.
    r = client_for(agent2.user).post(f"/api/v1/support/conversations/{conv2.pk}/actions",
                                     {"action": "refund_from_merchant",
                                      "reason": "changed my mind"})
    assert r.status_code == 403 and r.json()["code"] == "action_not_applicable"
    assert_ledger_ok()


def test_withdraw(paid: Any) -> None:
    p = paid()
    rid = _ask(p).json()["id"]
    r = p.api.post(f"/api/v1/wallet/refund-requests/{rid}/withdraw")
    assert r.status_code == 200 and r.json()["status"] == "withdrawn"
    again = p.api.post(f"/api/v1/wallet/refund-requests/{rid}/withdraw")
    assert again.status_code == 409 and again.json()["code"] == "refund_request_not_withdrawable"
    assert _ask(p).status_code == 201  # a withdrawn request no longer holds the payment


def test_the_merchant_refunding_directly_answers_the_request(paid: Any, merchant: Any) -> None:
    from walletdesk.wallet import services as wallet

    p = paid()
    rid = _ask(p, amount=4_000).json()["id"]
    wallet.refund(merchant, payment_id=p.payment.public_id, amount=4_000)
    req = RefundRequest.objects.get(public_id=rid)
    assert req.status == "granted" and req.refund is not None
    assert_ledger_ok()


def test_signed_webhook_to_the_merchant_on_each_new_request(paid: Any, merchant: Any) -> None:
    from walletdesk.webhooks import services as webhooks
    from walletdesk.webhooks.models import Delivery, Event

    terms = services.configure_merchant(merchant, webhook_url="http://127.0.0.1:9/hooks")
    p = paid()
    rid = _ask(p).json()["id"]
    event = Event.objects.get(type="refund_request.created")
    assert rid in event.body and p.payment.public_id in event.body
    delivery = Delivery.objects.get(event=event)
    assert delivery.endpoint_id == terms.webhook_id
    headers = webhooks.headers_for(delivery, 1, event.body.encode())
    assert any("ignature" in k for k in headers)


def test_deadline_counts_business_days_in_the_merchants_region() -> None:
    from datetime import UTC, datetime, time

    from walletdesk.directory import hours
    from walletdesk.disputes.deadlines import after

    weekdays = {d: [hours.Period(time(9), time(18))] for d in range(5)}
    table = hours.Timetable("Asia/Shanghai", weekdays,
                            special={datetime(2026, 12, 8).date(): hours.Special(closed=True)})
    friday = datetime(2026, 12, 4, 3, 0, tzinfo=UTC)  # 11:00 in Shanghai
    # Mon 7, (Tue 8 closed), Wed 9, Thu 10 → closes Thu 18:00 Shanghai = 10:00 UTC
    assert after(table, friday, 3) == datetime(2026, 12, 10, 10, 0, tzinfo=UTC)
    open_all = hours.Timetable("Asia/Shanghai", always_open=True)
    assert after(open_all, friday, 3) == datetime(2026, 12, 7, 16, 0, tzinfo=UTC)


def test_per_merchant_deadline(paid: Any, merchant: Any) -> None:
    services.configure_merchant(merchant, answer_business_days=10)
    p = paid()
    req = RefundRequest.objects.get(public_id=_ask(p).json()["id"])
    assert req.respond_by - req.created_at >= timedelta(days=10)
