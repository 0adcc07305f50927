"""Whether a refund is possible, who can give it, and how much is left."""

from __future__ import annotations

from walletdesk.accounts.models import User
from walletdesk.core import clock
from walletdesk.wallet.models import Transaction

from ..findings import Diagnosis, Finding

Status = Transaction.Status
Type = Transaction.Type


def _merchant(txn: Transaction) -> dict[str, object]:
    shop = txn.merchant
    return {"merchant": shop.name if shop else "", "merchant_en": (shop.name_en or shop.name)
            if shop else "", "currency": txn.currency, "amount": txn.amount}


def _payment(txn: Transaction) -> tuple[list[Finding], Finding]:
    m = _merchant(txn)
    ask = Finding("step.ask_merchant", m)
    if txn.status == Status.PENDING:
        return [Finding("refund.pending", m)], Finding("step.see_payment")
    if txn.status in (Status.FAILED, Status.EXPIRED):
        return [Finding("refund.not_completed", {**m, "status": txn.status})], Finding("step.none")
    if txn.status == Status.REVERSED:
        return [Finding("refund.reversed", m)], Finding("step.none")
    last = txn.children.filter(type=Type.REFUND).order_by("-created_at").first()
    refunded = {**m, "refunded": txn.refunded_amount, "refundable": txn.refundable_amount,
                "count": txn.children.filter(type=Type.REFUND).count(),
                "at": last.created_at if last else None}
    findings: list[Finding] = []
    if txn.status == Status.REFUNDED or txn.refundable_amount == 0:
        findings.append(Finding("refund.full", refunded))
        step = Finding("step.none")
    elif txn.refunded_amount:
        findings.append(Finding("refund.partial", refunded))
        step = ask
    else:
        findings.append(Finding("refund.refundable", refunded))
        step = ask
    if step is ask:
        findings.append(Finding("refund.partial_explained"))
        step = _request_step(txn, m, findings) or Finding("step.ask_for_refund", m)
    if txn.fee:
        findings.append(Finding("refund.fee_not_included", {"fee": txn.fee,
                                                            "currency": txn.currency}))
    return findings, step


REQUEST_FINDINGS = {"open": "refund.request_open", "declined": "refund.request_declined",
                    "expired": "refund.request_expired", "escalated": "refund.request_escalated"}


def _request_step(txn: Transaction, m: dict[str, object], findings: list[Finding]
                  ) -> Finding | None:
    """An active refund request of this payment: its state, and the button to go on with it."""
    from walletdesk.disputes.queries import open_for_payment

    req = open_for_payment(txn.pk)
    if req is None:
        return None
    findings.insert(0, Finding(REQUEST_FINDINGS[req.status], {
        **m, "asked": req.amount, "respond_by": req.respond_by}))
    code = ("step.escalate_request" if req.status in ("declined", "expired")
            else "step.see_request")
    return Finding(code, {"request_id": req.public_id})


def diagnose(txn: Transaction, user: User) -> Diagnosis:
    now = clock.now()
    base = {"type": txn.type, "amount": txn.amount, "currency": txn.currency}
    if txn.type == Type.PAYMENT:
        findings, step = _payment(txn)
    elif txn.type == Type.TRANSFER and txn.counterparty_id == user.pk:
        findings, step = [Finding("refund.received_transfer", base)], Finding("step.none")
    elif txn.type == Type.TRANSFER:
        who = str(txn.counterparty) if txn.counterparty else ""
        findings = [Finding("refund.p2p", {**base, "recipient": who})]
        step = Finding("step.ask_recipient", {"recipient": who})
    elif txn.type == Type.REFUND:
        # The payment it refunds, as the customer knows it: the shop and the day (the id
        # stays in the finding for the agent).
        parent = txn.parent
        findings = [Finding("refund.is_refund", {
            **base, **(_merchant(parent) if parent else {}), "amount": txn.amount,
            "parent": parent.public_id if parent else "",
            "at": parent.created_at if parent else None})]
        step = Finding("step.none")
    else:
        findings, step = [Finding("refund.not_a_payment", base)], Finding("step.none")
    return Diagnosis("refund", tuple(findings), step, now, (Finding("step.talk_to_person"),),
                     txn.public_id)
