"""The payment network simulator and the sweeper, through the job queue."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from walletdesk.core import clock
from walletdesk.core.models import Job
from walletdesk.core.services import jobs
from walletdesk.wallet import services
from walletdesk.wallet.models import Hold, NetworkOperation, Transaction
from walletdesk.wallet.network.simulator import SimulatedNetwork
from walletdesk.wallet.services import cards

from .helpers import (
    CARDS,
    assert_ledger_ok,
    available_of,
    balance_of,
    card_ending,
    merchant_balance,
)

pytestmark = pytest.mark.money


@pytest.fixture
def net(django_capture_on_commit_callbacks: Any) -> Any:
    """Run ``fn`` and store the jobs it queues on commit (the test transaction never commits)."""

    def run(fn: Any, *args: Any, **kwargs: Any) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return run


def after(net: Any, seconds: float) -> None:
    clock.advance(seconds=seconds)
    net(jobs.run_pending, limit=500)


def top_up(net: Any, user: Any, card: str, amount: int = 5_000) -> Transaction:
    cards.link_card(user, kind="bank_card", number=CARDS[card])
    txn = net(services.top_up, user, amount=amount, currency="CNY", method="bank_card")
    net(jobs.run_pending)  # submitted to the network
    return txn


@pytest.mark.parametrize("card,reason", [("declined", "do_not_honor"),
                                         ("expired_card", "card_expired")])
def test_declined_card_fails_and_releases_the_hold(net: Any, customer: Any, merchant: Any,
                                                   fund: Any, card: str, reason: str) -> None:
    txn = top_up(net, customer, card)
    assert Hold.objects.get(transaction=txn).status == "open"
    after(net, 10)
    txn.refresh_from_db()
    assert txn.status == "failed"
    assert txn.events.last().detail == reason
    assert Hold.objects.get(transaction=txn).status == "voided"
    assert balance_of(customer) == 0
    # A card payment declined: the merchant's pending money is released as well.
    fund(customer, 1_000)
    cards.link_card(customer, kind="credit_card", number=card_ending(CARDS[card][-4:]))
    pay = net(services.pay, customer, merchant=merchant, amount=700, currency="CNY",
              method="credit_card")
    net(jobs.run_pending)
    after(net, 10)
    pay.refresh_from_db()
    assert pay.status == "failed" and merchant_balance(merchant) == 0
    assert_ledger_ok()


def test_declined_withdrawal_gives_the_money_back(net: Any, customer: Any, fund: Any) -> None:
    fund(customer, 10_000)
    cards.link_card(customer, kind="bank_card", number=CARDS["declined"])
    txn = net(services.withdraw, customer, amount=4_000, currency="CNY", method="bank_card")
    assert available_of(customer) == 6_000
    net(jobs.run_pending)
    after(net, 10)
    txn.refresh_from_db()
    assert txn.status == "failed" and available_of(customer) == 10_000
    assert_ledger_ok()


def test_sweeper_expires_stale_pending_and_late_confirmation_reverses(net: Any,
                                                                      customer: Any) -> None:
    txn = top_up(net, customer, "late")
    after(net, 600)
    txn.refresh_from_db()
    assert txn.status == "pending"
    after(net, 301)  # past the 900 s deadline: the periodic sweeper gives up
    txn.refresh_from_db()
    assert txn.status == "expired"
    assert Hold.objects.get(transaction=txn).status == "voided"
    assert balance_of(customer) == 0
    after(net, 400)  # the network confirms at 1200 s, after the wallet gave up
    net(jobs.run_pending)  # the reversal job queued by that confirmation
    txn.refresh_from_db()
    assert txn.status == "reversed"
    assert [e.to_status for e in txn.events.all()] == ["pending", "pending", "expired",
                                                       "reversed"]
    assert NetworkOperation.objects.filter(kind="reversal",
                                           client_ref=f"{txn.public_id}:reversal").exists()
    assert balance_of(customer) == 0  # nothing was credited: the money went back
    assert_ledger_ok()


def test_expired_top_up_is_shown_as_incomplete(net: Any, customer: Any) -> None:
    txn = top_up(net, customer, "late")
    after(net, 901)
    txn.refresh_from_db()
    assert txn.status == "expired"
    for lang, word in (("en", "Incomplete"), ("zh-hans", "未完成")):
        client = Client(headers={"accept-language": lang})
        client.force_login(customer)
        assert word in client.get(f"/wallet/t/{txn.public_id}/").content.decode(), lang
        assert word in client.get("/wallet/history/").content.decode(), lang


def test_network_unavailable_is_retried_by_the_job(net: Any, customer: Any,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(SimulatedNetwork, "unavailable_rate", 1.0)
    cards.link_card(customer, kind="bank_card", number=CARDS["quick"])
    txn = net(services.top_up, customer, amount=5_000, currency="CNY", method="bank_card")
    net(jobs.run_pending)
    job = Job.objects.get(name="wallet.submit_to_network")
    assert (job.status, job.attempts) == ("queued", 1)
    assert "NetworkUnavailable" in job.last_error
    txn.refresh_from_db()
    assert txn.status == "pending" and txn.network_ref == ""
    monkeypatch.setattr(SimulatedNetwork, "unavailable_rate", 0.0)
    after(net, 3)  # the back-off has passed: submitted now
    job.refresh_from_db()
    assert job.status == "done"
    txn.refresh_from_db()
    assert txn.network_ref
    after(net, 10)
    txn.refresh_from_db()
    assert txn.status == "completed" and balance_of(customer) == 5_000


def test_results_are_idempotent(net: Any, customer: Any) -> None:
    txn = top_up(net, customer, "quick")
    for _ in range(3):
        services.on_network_result(txn.public_id, "confirmed")
    services.on_network_result(txn.public_id, "failed")  # too late to fail
    txn.refresh_from_db()
    assert txn.status == "completed" and balance_of(customer) == 5_000
    assert services.on_network_result("tx_unknown", "confirmed") is None
    assert_ledger_ok()
