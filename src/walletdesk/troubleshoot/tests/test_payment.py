"""The payment troubleshooter reads the transaction, its history, its hold, the network's
state and the deadline, and says what happens next and when."""

from __future__ import annotations

import pytest

from walletdesk.accounts.tests.fixtures import run_jobs
from walletdesk.core import clock
from walletdesk.troubleshoot import services
from walletdesk.wallet import services as wallet
from walletdesk.wallet.models import NetworkOperation
from walletdesk.wallet.services import cards

from .conftest import card_ending

pytestmark = [pytest.mark.django_db, pytest.mark.money]


def codes(d):
    return [f.code for f in d.findings]


def finding(d, code):
    return next(f for f in d.findings if f.code == code)


@pytest.fixture
def late_card(customer):
    cards.link_card(customer, kind="bank_card", number=card_ending("0077"))
    return customer


def test_pending_top_up_before_the_network_has_it(late_card):
    txn = wallet.top_up(late_card, amount=10_000, currency="CNY", method="bank_card")
    d = services.diagnose(late_card, "payment", txn.public_id)
    assert codes(d) == ["payment.not_sent_yet", "payment.waiting_network_card"]
    assert d.next_step.code == "step.wait_network"
    assert d.next_step.params["deadline"] == txn.expires_at
    assert d.next_step.params["minutes"] == 15


def test_pending_withdrawal_waiting_on_the_network_says_held_amount_and_deadline(late_card, fund):
    fund(late_card, 50_000)
    txn = wallet.withdraw(late_card, amount=20_000, currency="CNY", method="bank_card")
    run_jobs()  # submitted: the network is processing (this card confirms late)
    assert NetworkOperation.objects.get(client_ref=txn.public_id).state == "processing"
    clock.advance(300)
    d = services.diagnose(late_card, "payment", txn.public_id)
    assert codes(d) == ["payment.waiting_network_held"]
    f = finding(d, "payment.waiting_network_held")
    assert f.params["held"] == 20_000 + txn.fee
    assert f.params["deadline"] == txn.expires_at
    assert f.params["minutes"] == 10
    from django.utils import timezone, translation

    from walletdesk.troubleshoot import texts

    with translation.override("en"):
        line = texts.text(f)
    assert "The network has not answered yet" in line
    local = timezone.localtime(txn.expires_at)  # in words, no ISO date: "Dec 3, 00:45"
    assert f"{local:%b} {local.day}, {local:%H:%M}" in line
    with translation.override("zh-hans"):
        assert f"{local.month}月{local.day}日 {local:%H:%M}" in texts.text(f)
    assert "comes back to your balance automatically" in line


def test_pending_after_the_deadline_says_the_hold_is_being_released(late_card):
    txn = wallet.top_up(late_card, amount=10_000, currency="CNY", method="bank_card")
    run_jobs()
    clock.advance(16 * 60)
    d = services.diagnose(late_card, "payment", txn.public_id)
    assert codes(d) == ["payment.past_deadline"]
    assert d.next_step.code == "step.refresh_soon"


def test_expired_then_confirmed_late_is_reversed(late_card):
    txn = wallet.top_up(late_card, amount=10_000, currency="CNY", method="bank_card")
    run_jobs()
    clock.advance(16 * 60)
    wallet.expire_stale()
    d = services.diagnose(late_card, "payment", txn.public_id)
    assert codes(d) == ["payment.expired", "payment.expired_may_confirm_late"]
    assert finding(d, "payment.expired").params["deadline"] == txn.expires_at
    assert d.next_step.code == "step.none"
    wallet.on_network_result(txn.public_id, "confirmed")
    d = services.diagnose(late_card, "payment", txn.public_id)
    assert codes(d) == ["payment.reversed"]
    assert d.next_step.code == "step.check_card"


def test_network_confirmed_before_the_wallet_heard(customer):
    cards.link_card(customer, kind="bank_card", number=card_ending("0119"))
    txn = wallet.top_up(customer, amount=10_000, currency="CNY", method="bank_card")
    run_jobs()
    op = NetworkOperation.objects.get(client_ref=txn.public_id)
    NetworkOperation.objects.filter(pk=op.pk).update(state="confirmed")  # decided, not yet told
    d = services.diagnose(customer, "payment", txn.public_id)
    assert codes(d) == ["payment.network_confirmed"]


def test_failed_says_why_and_that_nothing_was_taken(customer):
    cards.link_card(customer, kind="bank_card", number=card_ending("0069"))
    txn = wallet.top_up(customer, amount=10_000, currency="CNY", method="bank_card")
    run_jobs()
    wallet.on_network_result(txn.public_id, "failed", "card_expired")
    d = services.diagnose(customer, "payment", txn.public_id)
    f = finding(d, "payment.failed")
    assert f.params["reason"] == "card_expired"
    assert d.next_step.code == "step.try_again"


def test_completed(customer, fund, merchant):
    fund(customer, 10_000)
    txn = wallet.pay(customer, merchant=merchant, amount=1_000, currency="CNY", method="balance")
    d = services.diagnose(customer, "payment", txn.public_id)
    assert codes(d) == ["payment.completed", "payment.inside_wallet"]
    assert d.next_step.code == "step.none"


def test_refunded_payment_points_to_the_refund_troubleshooter(customer, fund, merchant):
    fund(customer, 10_000)
    txn = wallet.pay(customer, merchant=merchant, amount=1_000, currency="CNY", method="balance")
    wallet.refund(merchant, payment_id=txn.public_id, amount=400)
    d = services.diagnose(customer, "payment", txn.public_id)
    assert codes(d) == ["payment.completed", "payment.refunded"]
    assert d.next_step.code == "step.see_refund"


def test_api_payment(api, late_card):
    txn = wallet.top_up(late_card, amount=10_000, currency="CNY", method="bank_card")
    r = api.get("/api/v1/troubleshoot/payment", transaction_id=txn.public_id)
    assert r.status_code == 200
    body = r.json()
    assert body["transaction_id"] == txn.public_id
    assert body["next_step"]["params"]["deadline"] == txn.expires_at.isoformat()


def test_expired_before_the_network_ever_had_it(customer):
    cards.link_card(customer, kind="bank_card", number=card_ending("0077"))
    txn = wallet.top_up(customer, amount=10_000, currency="CNY", method="bank_card")
    clock.advance(16 * 60)
    wallet.expire_stale()
    d = services.diagnose(customer, "payment", txn.public_id)
    assert codes(d) == ["payment.expired", "payment.expired_never_sent"]


def test_network_that_does_not_answer_does_not_stop_the_diagnosis(late_card, monkeypatch):
    from walletdesk.wallet.network import NetworkUnavailable, get_network

    txn = wallet.top_up(late_card, amount=10_000, currency="CNY", method="bank_card")
    run_jobs()

    def down(reference):
        raise NetworkUnavailable("timeout")

    monkeypatch.setattr(get_network(), "status", down)
    d = services.diagnose(late_card, "payment", txn.public_id)
    assert codes(d) == ["payment.network_unreachable", "payment.waiting_network_card"]
    assert d.next_step.code == "step.wait_network"
