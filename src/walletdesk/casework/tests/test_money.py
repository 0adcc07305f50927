"""Money effects of agent actions are exact: fee refunds, giving up and re-asking the network."""

from __future__ import annotations

from typing import Any

import pytest

from walletdesk.accounts.tests.fixtures import run_jobs
from walletdesk.core.errors import DomainError
from walletdesk.wallet import services as wallet
from walletdesk.wallet.invariants import problems
from walletdesk.wallet.models import Hold, LedgerAccount, NetworkOperation, Transaction
from walletdesk.wallet.network.simulator import SimulatedNetwork
from walletdesk.wallet.services import adjustments, ledger

pytestmark = pytest.mark.money


def balance(user: Any) -> tuple[int, int, int]:
    a = LedgerAccount.objects.filter(kind="customer", owner=user, currency="CNY").first()
    return (a.balance, a.pending_out, a.pending_in) if a else (0, 0, 0)


def revenue() -> int:
    return ledger.system_account(LedgerAccount.Kind.FEE_REVENUE, "CNY").balance


def test_fee_refund_moves_exactly_the_fee_from_revenue(make_case: Any, paid_fee: Any) -> None:
    case = make_case()
    txn = paid_fee(case.customer, 80_000)
    assert txn.fee == 800
    wallet_before, revenue_before = balance(case.customer)[0], revenue()
    r = case.act("refund_fee", transaction_id=txn.public_id)
    assert r.status_code == 201 and r.json()["status"] == "done"
    refund = Transaction.objects.get(public_id=r.json()["result"]["refund_id"])
    assert (refund.type, refund.amount, refund.parent_id, refund.merchant_id) == (
        "refund", 800, txn.pk, None)
    assert balance(case.customer)[0] == wallet_before + 800
    assert revenue() == revenue_before - 800
    assert [p.kind for p in refund.postings.all()] == ["fee_refund"]
    assert list(txn.events.values_list("reason", flat=True))[-1] == "fee_refunded"
    assert problems() == []


def test_fee_refund_limits(make_case: Any, paid_fee: Any, fund: Any) -> None:
    case = make_case()
    txn = paid_fee(case.customer, 30_000)  # fee 300
    before = (balance(case.customer), revenue())
    too_much = case.act("refund_fee", transaction_id=txn.public_id, amount=301)
    assert too_much.status_code == 422 and too_much.json()["code"] == "invalid_parameters"
    with pytest.raises(adjustments.FeeRefundTooLarge):
        adjustments.refund_fee(txn.pk, 301)
    assert (balance(case.customer), revenue()) == before
    adjustments.refund_fee(txn.pk, 100)
    with pytest.raises(adjustments.FeeAlreadyRefunded):
        adjustments.refund_fee(txn.pk, 100)
    free = fund(case.customer, 1_000)  # a top-up without a fee
    r = case.act("refund_fee", transaction_id=free.public_id)
    assert r.status_code == 403 and r.json()["code"] == "action_not_applicable"
    assert problems() == []


def test_fee_refund_typed_in_yuan_is_converted_exactly(make_case: Any, paid_fee: Any) -> None:
    """The console sends what the agent typed ("1.5" yuan); the server converts it without
    floats to 150 fen. Bad text, too many decimals or both fields refuse and change nothing."""
    case = make_case()
    txn = paid_fee(case.customer, 30_000)  # fee 300
    before = (balance(case.customer), revenue())
    for raw, code in (("1.234", "too_many_decimals"), ("-1", "invalid_amount"), ("1e2", "invalid_amount"),
                      ("abc", "invalid_amount"), ("3.01", "invalid_parameters")):
        r = case.act("refund_fee", transaction_id=txn.public_id, amount_major=raw)
        assert r.status_code == 422 and r.json()["code"] == code, (raw, r.content)
    both = case.act("refund_fee", transaction_id=txn.public_id, amount=150, amount_major="1.50")
    assert both.status_code == 422 and both.json()["code"] == "invalid_parameters"
    assert (balance(case.customer), revenue()) == before
    r = case.act("refund_fee", transaction_id=txn.public_id, amount_major="1.5")
    assert r.status_code == 201 and r.json()["status"] == "done"
    assert r.json()["result"]["amount"] == 150
    assert balance(case.customer)[0] == before[0][0] + 150 and revenue() == before[1] - 150
    assert problems() == []


def test_expire_a_stuck_top_up_releases_its_hold(make_case: Any, pending_topup: Any) -> None:
    case = make_case()
    txn = pending_topup(case.customer, 20_000)
    assert balance(case.customer) == (0, 0, 20_000)
    r = case.act("expire_transaction", transaction_id=txn.public_id)
    assert r.status_code == 201 and r.json()["result"]["status"] == "expired"
    txn.refresh_from_db()
    assert txn.status == "expired"
    assert balance(case.customer) == (0, 0, 0)
    assert not Hold.objects.filter(transaction=txn, status="open").exists()
    assert txn.events.last().reason == "expired_by_support"
    assert problems() == []
    # The network confirms after all: the money is sent back, never credited.
    wallet.on_network_result(txn.public_id, "confirmed", reference="net_late")
    txn.refresh_from_db()
    assert txn.status == "reversed" and balance(case.customer) == (0, 0, 0)
    assert problems() == []


def test_expire_a_stuck_withdrawal_gives_back_amount_and_fee(make_case: Any, fund: Any) -> None:
    case = make_case()
    fund(case.customer, 50_000)
    before = balance(case.customer)
    out = wallet.withdraw(case.customer, amount=10_000, currency="CNY", method="bank_card")
    assert balance(case.customer)[1] == 10_000 + out.fee
    case.act("expire_transaction", transaction_id=out.public_id)
    assert balance(case.customer) == before
    assert problems() == []


def test_only_pending_transactions(make_case: Any, fund: Any) -> None:
    case = make_case()
    done = fund(case.customer, 1_000)
    for action in ("retry_transaction", "expire_transaction"):
        r = case.act(action, transaction_id=done.public_id)
        assert r.status_code == 403 and r.json()["code"] == "action_not_applicable"
    with pytest.raises(adjustments.NotPending):
        adjustments.expire_pending(done.pk)


def test_retry_applies_the_networks_answer(make_case: Any, pending_topup: Any) -> None:
    case = make_case()
    txn = pending_topup(case.customer, 12_300)
    run_jobs()  # submitted; the network's answer is due later
    txn.refresh_from_db()
    assert txn.network_ref and txn.status == "pending"
    r = case.act("retry_transaction", transaction_id=txn.public_id)
    assert r.json()["result"] == {"transaction_id": txn.public_id, "network_state": "processing",
                                  "status": "pending", "changed": False}
    # The network decided but its notification never arrived: a retry reads and applies it.
    NetworkOperation.objects.filter(reference=txn.network_ref).update(state="confirmed")
    r = case.act("retry_transaction", transaction_id=txn.public_id)
    assert r.json()["result"]["status"] == "completed" and r.json()["result"]["changed"] is True
    assert balance(case.customer) == (12_300, 0, 0)
    assert problems() == []


def test_retry_resubmits_what_never_reached_the_network(make_case: Any, pending_topup: Any,
                                                         monkeypatch: Any) -> None:
    # The network is up (the suite's default); the next test covers a resubmission it misses.
    case = make_case()
    txn = pending_topup(case.customer, 5_000)
    from walletdesk.core.models import Job

    Job.objects.all().delete()  # the submission was lost
    r = case.act("retry_transaction", transaction_id=txn.public_id)
    assert r.json()["result"]["network_state"] == "not_submitted"
    assert Job.objects.filter(name="wallet.submit_to_network").exists()
    run_jobs()
    txn.refresh_from_db()
    assert txn.network_ref
    assert NetworkOperation.objects.filter(client_ref=txn.public_id, reference=txn.network_ref).exists()
    assert Job.objects.get(name="wallet.submit_to_network").status == Job.Status.DONE


def test_a_resubmission_the_network_misses_is_tried_again(make_case: Any, pending_topup: Any,
                                                          monkeypatch: Any) -> None:
    from walletdesk.core import clock
    from walletdesk.core.models import Job

    case = make_case()
    txn = pending_topup(case.customer, 5_000)
    Job.objects.all().delete()  # the submission was lost
    monkeypatch.setattr(SimulatedNetwork, "unavailable_rate", 1.0)  # and the network is down
    r = case.act("retry_transaction", transaction_id=txn.public_id)
    assert r.json()["result"]["network_state"] == "not_submitted"
    run_jobs()
    txn.refresh_from_db()
    job = Job.objects.get(name="wallet.submit_to_network")
    assert not txn.network_ref and job.status == Job.Status.QUEUED and job.run_at > clock.now()
    assert not NetworkOperation.objects.filter(client_ref=txn.public_id).exists()
    monkeypatch.setattr(SimulatedNetwork, "unavailable_rate", 0.0)  # back up: the job's next try
    clock.advance(seconds=(job.run_at - clock.now()).total_seconds() + 1)
    run_jobs()
    txn.refresh_from_db()
    assert txn.network_ref and Job.objects.get(pk=job.pk).status == Job.Status.DONE
    assert NetworkOperation.objects.filter(client_ref=txn.public_id).count() == 1


@pytest.mark.postgres
@pytest.mark.timeout(120)
def test_one_fee_refund_wins_a_race(ledger_db: None, make_customer: Any, paid_fee: Any) -> None:
    import threading

    from django.db import connections

    user = make_customer()
    txn = paid_fee(user, 60_000)
    results: list[Any] = [None] * 6
    barrier = threading.Barrier(6)

    def work(i: int) -> None:
        try:
            barrier.wait()
            results[i] = adjustments.refund_fee(txn.pk)
        except DomainError as exc:
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=100)
    wins = [r for r in results if isinstance(r, Transaction)]
    assert len(wins) == 1
    assert all(isinstance(r, adjustments.FeeAlreadyRefunded) for r in results if r not in wins)
    assert Transaction.objects.filter(parent=txn, type="refund").count() == 1
    assert problems() == []
