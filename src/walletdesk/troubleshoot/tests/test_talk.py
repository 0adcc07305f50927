""""Talk to a person" opens a support conversation with the topic, the transaction and the
troubleshooter's diagnosis attached, run again at that moment (never taken from the client)."""

from __future__ import annotations

import pytest
from django.test import Client

from walletdesk.accounts.services import lockout
from walletdesk.support.models import Conversation, Message
from walletdesk.wallet import services as wallet
from walletdesk.wallet.services import cards

from .conftest import card_ending

pytestmark = [pytest.mark.django_db]


def test_from_the_payment_troubleshooter(api, customer):
    cards.link_card(customer, kind="bank_card", number=card_ending("0077"))
    txn = wallet.top_up(customer, amount=10_000, currency="CNY", method="bank_card")
    r = api.post("/api/v1/troubleshoot/payment/talk",
                 {"transaction_id": txn.public_id, "message": "钱还没到账"})
    assert r.status_code == 201
    conv = Conversation.objects.get(pk=r.json()["conversation_id"])
    assert conv.customer == customer
    assert conv.topic == "missing_money"
    assert conv.transaction_public_id == txn.public_id
    assert conv.context["picked_transaction"]["id"] == txn.public_id
    ts = conv.context["troubleshooter"]
    assert ts["problem"] == "payment" and ts["transaction_id"] == txn.public_id
    assert [f["code"] for f in ts["findings"]] == ["payment.not_sent_yet",
                                                   "payment.waiting_network_card"]
    assert ts["next_step"]["code"] == "step.wait_network"
    assert "尚未答复" in ts["summary"]  # in the customer's language (zh-hans)
    first = Message.objects.filter(conversation=conv, kind="text").order_by("seq").first()
    assert first.text.startswith("钱还没到账") and "我的付款到哪儿了？" in first.text


def test_from_the_lock_troubleshooter_a_logged_in_customer(customer):
    for _ in range(20):
        lockout.register_failure(customer)
    client = Client()
    client.force_login(customer)
    r = client.post("/troubleshoot/lock/talk/", {"message": ""})
    conv = Conversation.objects.get(customer=customer)
    assert r.status_code == 302 and r["Location"] == f"/support/c/{conv.pk}/"
    assert conv.topic == "account_locked"
    assert conv.context["troubleshooter"]["next_step"]["code"] == "step.unlock_by_code"
    assert "lock.security_hold" in [f["code"] for f in conv.context["troubleshooter"]["findings"]]
    assert conv.priority >= 30  # a held account is urgent


def test_from_the_refund_and_fee_troubleshooters(api, customer, fund, merchant):
    fund(customer, 10_000)
    txn = wallet.pay(customer, merchant=merchant, amount=1_000, currency="CNY", method="balance")
    refund = api.post("/api/v1/troubleshoot/refund/talk", {"transaction_id": txn.public_id})
    fee = api.post("/api/v1/troubleshoot/fee/talk", {"transaction_id": txn.public_id})
    assert refund.json()["topic"] == "refunds" and fee.json()["topic"] == "payments"
    conv = Conversation.objects.get(pk=refund.json()["conversation_id"])
    assert conv.context["troubleshooter"]["next_step"]["code"] == "step.ask_for_refund"


def test_the_diagnosis_is_the_servers_not_the_clients(api, customer, fund, merchant):
    fund(customer, 10_000)
    txn = wallet.pay(customer, merchant=merchant, amount=1_000, currency="CNY", method="balance")
    r = api.post("/api/v1/troubleshoot/refund/talk",
                 {"transaction_id": txn.public_id, "findings": [{"code": "refund.full"}]})
    conv = Conversation.objects.get(pk=r.json()["conversation_id"])
    assert conv.context["troubleshooter"]["findings"][0]["code"] == "refund.refundable"


def test_page_form_opens_the_chat(customer, fund, merchant):
    fund(customer, 10_000)
    txn = wallet.pay(customer, merchant=merchant, amount=1_000, currency="CNY", method="balance")
    client = Client()
    client.force_login(customer)
    r = client.post("/troubleshoot/fee/talk/", {"transaction": txn.public_id, "message": "why?"})
    conv = Conversation.objects.get(customer=customer)
    assert r.status_code == 302 and r["Location"] == f"/support/c/{conv.pk}/"
    assert conv.context["troubleshooter"]["problem"] == "fee"
