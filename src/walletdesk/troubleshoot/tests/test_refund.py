"""The refund troubleshooter: who can refund, how much is left, transfers."""

from __future__ import annotations

import pytest

from walletdesk.troubleshoot import services
from walletdesk.wallet import services as wallet
from walletdesk.wallet.services import cards

from .conftest import card_ending

pytestmark = [pytest.mark.django_db, pytest.mark.money]


def codes(d):
    return [f.code for f in d.findings]


@pytest.fixture
def paid(customer, fund, merchant):
    fund(customer, 100_000)
    return wallet.pay(customer, merchant=merchant, amount=10_000, currency="CNY",
                      method="balance")


def test_refundable_in_full_asks_the_merchant(customer, paid, merchant):
    d = services.diagnose(customer, "refund", paid.public_id)
    assert codes(d) == ["refund.refundable", "refund.partial_explained"]
    assert d.findings[0].params["refundable"] == 10_000
    assert d.findings[0].params["merchant_en"] == "Sample Coffee"
    assert d.next_step.code == "step.ask_for_refund"


def test_partially_refunded_says_what_is_left(customer, paid, merchant):
    wallet.refund(merchant, payment_id=paid.public_id, amount=2_500)
    d = services.diagnose(customer, "refund", paid.public_id)
    f = d.findings[0]
    assert f.code == "refund.partial"
    assert (f.params["refunded"], f.params["refundable"], f.params["count"]) == (2_500, 7_500, 1)
    assert d.next_step.code == "step.ask_for_refund"


def test_fully_refunded_needs_nothing(customer, paid, merchant):
    wallet.refund(merchant, payment_id=paid.public_id, amount=4_000)
    wallet.refund(merchant, payment_id=paid.public_id, amount=6_000)
    d = services.diagnose(customer, "refund", paid.public_id)
    assert codes(d) == ["refund.full"]
    assert d.findings[0].params["count"] == 2
    assert d.next_step.code == "step.none"


def test_card_payment_fee_is_not_part_of_a_merchant_refund(customer, fee_schedule, merchant):
    cards.link_card(customer, kind="credit_card", number=card_ending("0119", "625809"))
    txn = wallet.pay(customer, merchant=merchant, amount=10_000, currency="CNY",
                     method="credit_card")
    wallet.on_network_result(txn.public_id, "confirmed")
    d = services.diagnose(customer, "refund", txn.public_id)
    fee = next(f for f in d.findings if f.code == "refund.fee_not_included")
    assert fee.params["fee"] == 60


def test_p2p_transfer_cannot_be_refunded_by_the_desk(customer, fund, make_customer):
    bob = make_customer("bob@example.com", display_name="Bob")
    fund(customer, 10_000)
    txn = wallet.transfer(customer, to="bob@example.com", amount=3_000, currency="CNY")
    d = services.diagnose(customer, "refund", txn.public_id)
    assert codes(d) == ["refund.p2p"]
    assert d.next_step.code == "step.ask_recipient"
    assert d.next_step.params["recipient"] == "Bob"
    seen_by_bob = services.diagnose(bob, "refund", txn.public_id)
    assert codes(seen_by_bob) == ["refund.received_transfer"]


def test_pending_card_payment_points_to_the_payment_troubleshooter(customer, merchant):
    cards.link_card(customer, kind="bank_card", number=card_ending("0077"))
    txn = wallet.pay(customer, merchant=merchant, amount=1_000, currency="CNY",
                     method="bank_card")
    d = services.diagnose(customer, "refund", txn.public_id)
    assert codes(d) == ["refund.pending"]
    assert d.next_step.code == "step.see_payment"


def test_top_up_is_not_refundable(customer, fund):
    txn = fund(customer, 10_000)
    d = services.diagnose(customer, "refund", txn.public_id)
    assert codes(d) == ["refund.not_a_payment"]


def test_a_refund_points_to_its_payment(customer, paid, merchant):
    refund = wallet.refund(merchant, payment_id=paid.public_id, amount=1_000)
    d = services.diagnose(customer, "refund", refund.public_id)
    assert codes(d) == ["refund.is_refund"]
    assert d.findings[0].params["parent"] == paid.public_id
