"""The fee troubleshooter: the policy and promotion that applied, and how to pay less."""

from __future__ import annotations

from datetime import timedelta

import pytest

from walletdesk.core import clock
from walletdesk.troubleshoot import services
from walletdesk.wallet import services as wallet
from walletdesk.wallet.models import FeeAnnouncement, FeePolicy, Promotion
from walletdesk.wallet.services import cards

from .conftest import card_ending

pytestmark = [pytest.mark.django_db, pytest.mark.money]


def codes(d):
    return [f.code for f in d.findings]


def finding(d, code):
    return next(f for f in d.findings if f.code == code)


@pytest.fixture
def credit(customer, fee_schedule):
    cards.link_card(customer, kind="credit_card", number=card_ending("0119", "625809"))
    return customer


def test_fee_with_policy_and_a_cheaper_method(credit, merchant, fund):
    fund(credit, 100_000)
    txn = wallet.pay(credit, merchant=merchant, amount=10_000, currency="CNY",
                     method="credit_card")
    d = services.diagnose(credit, "fee", txn.public_id)
    policy = finding(d, "fee.policy")
    assert (policy.params["percent"], policy.params["minimum"]) == ("0.60", 10)
    assert finding(d, "fee.charged").params["fee"] == 60
    cheaper = finding(d, "fee.cheaper_method")
    assert cheaper.params["method"] in ("balance", "bank_card") and cheaper.params["fee"] == 0
    assert d.next_step.code == "step.use_cheaper_method"
    assert d.next_step.params["paid"] == 60


def test_fee_waived_by_a_promotion(customer, fee_schedule, fund):
    Promotion.objects.create(name_zh="提现免费", name_en="Free withdrawals", operation="withdrawal",
                             method="bank_card", currency="CNY",
                             starts_at=clock.now() - timedelta(days=1),
                             ends_at=clock.now() + timedelta(days=5), per_user_limit=1)
    fund(customer, 100_000)
    txn = wallet.withdraw(customer, amount=50_000, currency="CNY", method="bank_card")
    assert txn.fee == 0 and txn.fee_before_promotion == 50
    d = services.diagnose(customer, "fee", txn.public_id)
    promo = finding(d, "fee.promotion")
    assert (promo.params["discount"], promo.params["fee"]) == (50, 0)
    assert promo.params["name_en"] == "Free withdrawals"
    assert d.next_step.code == "step.none"


def test_fee_with_policy_only_one_method_and_an_open_promotion_window(customer, fee_schedule,
                                                                      fund):
    fund(customer, 100_000)
    txn = wallet.withdraw(customer, amount=50_000, currency="CNY", method="bank_card")
    ends = clock.now() + timedelta(days=3)
    Promotion.objects.create(name_zh="提现免费", name_en="Free withdrawals", operation="withdrawal",
                             method="bank_card", currency="CNY",
                             starts_at=clock.now() - timedelta(hours=1), ends_at=ends)
    d = services.diagnose(customer, "fee", txn.public_id)
    assert finding(d, "fee.policy_capped").params["maximum"] == 2500
    assert "fee.already_cheapest" not in codes(d)
    # The same method is now free: the promotion makes today's quote cheaper.
    assert finding(d, "fee.cheaper_now").params["fee"] == 0
    assert finding(d, "fee.promotion_now").params["ends_at"] == ends
    assert d.next_step.code == "step.use_cheaper_method"


def test_fee_already_cheapest_with_a_promotion_coming_and_a_policy_change(customer,
                                                                         fee_schedule, fund):
    fund(customer, 100_000)
    txn = wallet.withdraw(customer, amount=50_000, currency="CNY", method="bank_card")
    starts = clock.now() + timedelta(days=2)
    Promotion.objects.create(name_zh="周末免费", name_en="Free weekend", operation="withdrawal",
                             method="", currency="", starts_at=starts,
                             ends_at=starts + timedelta(days=2))
    when = clock.now() + timedelta(days=10)
    v2 = FeePolicy.objects.create(operation="withdrawal", method="bank_card", currency="CNY",
                                  version=2, basis_points=8, minimum=10, effective_from=when)
    FeeAnnouncement.objects.create(policy=v2, title_zh="降价", title_en="Cheaper",
                                   body_zh="降价", body_en="Cheaper")
    d = services.diagnose(customer, "fee", txn.public_id)
    assert "fee.already_cheapest" in codes(d)
    assert finding(d, "fee.promotion_soon").params["starts_at"] == starts
    assert finding(d, "fee.policy_change").params["percent"] == "0.08"
    assert d.next_step.code == "step.use_promotion_soon"


def test_zero_fee(customer, fee_schedule, fund, make_customer):
    make_customer("bob@example.com")
    fund(customer, 10_000)
    txn = wallet.transfer(customer, to="bob@example.com", amount=1_000, currency="CNY")
    d = services.diagnose(customer, "fee", txn.public_id)
    assert codes(d) == ["fee.none", "fee.policy"]
    assert d.next_step.code == "step.none"


def test_received_transfer_fee_was_the_senders(customer, fund, make_customer):
    bob = make_customer("bob@example.com")
    fund(customer, 10_000)
    txn = wallet.transfer(customer, to="bob@example.com", amount=1_000, currency="CNY")
    assert codes(services.diagnose(bob, "fee", txn.public_id)) == ["fee.paid_by_sender"]


def test_api_fee_in_english(credit, merchant, fund):
    from walletdesk.accounts.services import issue_token
    from walletdesk.conftest import ApiClient

    credit.language = "en"
    credit.save(update_fields=["language"])
    fund(credit, 100_000)
    txn = wallet.pay(credit, merchant=merchant, amount=10_000, currency="CNY",
                     method="credit_card")
    client = ApiClient(issue_token(credit))
    r = client.client.get("/api/v1/troubleshoot/fee", {"transaction_id": txn.public_id},
                          headers={"Authorization": f"Bearer {client.token}",
                                   "Accept-Language": "en"})
    assert r.status_code == 200
    body = r.json()
    charged = next(f for f in body["findings"] if f["code"] == "fee.charged")
    assert charged["text"] == "On ¥100.00 that makes a fee of ¥0.60."
