"""Where a transaction stands, what happens next and when.

Reads the transaction, its status history, its open holds, its expiry deadline
and the payment network's own view of it (through the network interface's
read-only ``status`` call).
"""

from __future__ import annotations

from datetime import datetime

from walletdesk.core import clock
from walletdesk.wallet.models import Hold, Transaction, TransactionEvent
from walletdesk.wallet.network import NetworkStatus, NetworkUnavailable, get_network

from ..findings import Diagnosis, Finding, minutes_until

Status = Transaction.Status
Type = Transaction.Type


def _event(txn: Transaction, *reasons: str) -> TransactionEvent | None:
    return (TransactionEvent.objects.filter(transaction=txn, reason__in=reasons)
            .order_by("-at", "-pk").first())


UNREACHABLE = NetworkStatus(reference="", kind="", state="unreachable")


def _network(txn: Transaction) -> NetworkStatus | None:
    """The network's view (None: it never had the operation; UNREACHABLE: it did not answer
    just now, and the diagnosis goes on with what the wallet knows)."""
    if not txn.network_ref:
        return None
    try:
        return get_network().status(txn.network_ref) or UNREACHABLE
    except NetworkUnavailable:
        return UNREACHABLE


def _held(txn: Transaction) -> int:
    return sum(Hold.objects.filter(transaction=txn, status=Hold.Status.OPEN,
                                   direction=Hold.Direction.OUT).values_list("amount", flat=True))


def _base(txn: Transaction) -> dict[str, object]:
    return {"type": txn.type, "amount": txn.amount, "currency": txn.currency,
            "method": txn.method}


def _pending(txn: Transaction, now: datetime) -> tuple[list[Finding], Finding]:
    deadline = txn.expires_at or now
    left = {"deadline": deadline, "minutes": minutes_until(deadline, now)}
    net = _network(txn)
    if deadline <= now:
        return ([Finding("payment.past_deadline", {**_base(txn), "deadline": deadline})],
                Finding("step.refresh_soon"))
    if net is not None and net.state == "confirmed":
        return [Finding("payment.network_confirmed", _base(txn))], Finding("step.refresh_soon")
    if net is not None and net.state == "failed":
        return ([Finding("payment.network_declined", {**_base(txn),
                                                      "reason": net.decline_reason})],
                Finding("step.refresh_soon"))
    findings = []
    if net is None:
        findings.append(Finding("payment.not_sent_yet", _base(txn)))
    elif net is UNREACHABLE:
        findings.append(Finding("payment.network_unreachable", _base(txn)))
    held = _held(txn)
    if held:
        findings.append(Finding("payment.waiting_network_held",
                                {**_base(txn), "held": held, **left}))
    else:
        findings.append(Finding("payment.waiting_network_card", {**_base(txn), **left}))
    return findings, Finding("step.wait_network", left)


def _ended(txn: Transaction) -> tuple[list[Finding], Finding]:
    base = _base(txn)
    if txn.status == Status.FAILED:
        ev = _event(txn, "network_declined")
        return ([Finding("payment.failed", {**base, "reason": ev.detail if ev else "",
                                            "at": ev.at if ev else txn.updated_at})],
                Finding("step.try_again"))
    if txn.status == Status.EXPIRED:
        ev = _event(txn, "timeout")
        findings = [Finding("payment.expired", {**base, "deadline": txn.expires_at,
                                                "at": ev.at if ev else txn.updated_at})]
        net = _network(txn)
        if net is None:
            findings.append(Finding("payment.expired_never_sent", base))
        elif net is UNREACHABLE:
            findings.append(Finding("payment.network_unreachable", base))
        elif net.state == "processing":
            findings.append(Finding("payment.expired_may_confirm_late", base))
        return findings, Finding("step.none")
    if txn.status == Status.REVERSED:
        ev = _event(txn, "late_confirmation")
        return ([Finding("payment.reversed", {**base, "deadline": txn.expires_at,
                                              "at": ev.at if ev else txn.updated_at})],
                Finding("step.check_card"))
    if txn.status in (Status.REFUNDED, Status.PARTIALLY_REFUNDED):
        return ([Finding("payment.completed", {**base, "at": txn.completed_at}),
                 Finding("payment.refunded", {**base, "refunded": txn.refunded_amount})],
                Finding("step.see_refund"))
    return [Finding("payment.completed", {**base, "at": txn.completed_at})], Finding("step.none")


def diagnose(txn: Transaction) -> Diagnosis:
    """``txn`` must already be one the caller may see (``queries.transactions_of``)."""
    now = clock.now()
    if txn.status == Status.PENDING:
        findings, step = _pending(txn, now)
    else:
        findings, step = _ended(txn)
        if not txn.network_ref and txn.method == "balance" and txn.status == Status.COMPLETED:
            findings.append(Finding("payment.inside_wallet", {"type": txn.type}))
    alternatives = (Finding("step.talk_to_person"),)
    return Diagnosis("payment", tuple(findings), step, now, alternatives, txn.public_id)
