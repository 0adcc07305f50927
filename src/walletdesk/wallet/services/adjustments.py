"""Adjustments that customer support makes to a transaction, with exact money effects.

* ``refund_fee``: a wallet-side fee refund, posted from the fee-revenue system account to
  the customer's wallet as a transaction of its own (type ``refund``, no merchant,
  ``parent`` = the original). Never more than the fee actually posted for the original,
  at most once per original: the original row is locked first and the check runs under
  that lock (the same lock order as ``locks.py``: transactions, then accounts by id).
* ``expire_pending``: give up on a stuck pending transaction now, exactly as the expiry
  sweeper does at the deadline: open holds are voided (the reservation released), the
  status becomes ``expired``, and the network is asked to cancel after commit. A late
  confirmation is still sent back by ``services.on_network_result``.
* ``retry_pending``: ask the network where a stuck pending operation stands and apply
  its answer through ``services.on_network_result``; one never submitted is submitted
  again (submission is idempotent by the transaction id).

Each function owns one database transaction; the network is asked before it opens.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from walletdesk.core import clock
from walletdesk.core.errors import Conflict, DomainError
from walletdesk.core.services import jobs

from .. import locks, services
from ..models import Hold, LedgerAccount, Posting, Transaction, TransactionEvent, public_id
from ..network import NetworkUnavailable, get_network
from . import ledger

Status = Transaction.Status
FEE_REFUND_KIND = "fee_refund"
CHARGED = (Status.COMPLETED, Status.REFUNDED, Status.PARTIALLY_REFUNDED)


class FeeNotRefundable(DomainError):
    status = 422
    code = "fee_not_refundable"
    default_message = _("This transaction has no charged fee that can be refunded.")


class FeeAlreadyRefunded(Conflict):
    code = "fee_already_refunded"
    default_message = _("The fee of this transaction has already been refunded.")


class FeeRefundTooLarge(DomainError):
    status = 422
    code = "fee_refund_too_large"
    default_message = _("A fee refund cannot be larger than the fee charged.")


class NotPending(Conflict):
    code = "transaction_not_pending"
    default_message = _("Only a pending transaction can be retried or given up.")


def _event(txn: Transaction, from_status: str, reason: str, detail: str = "") -> None:
    TransactionEvent.objects.create(transaction=txn, from_status=from_status,
                                    to_status=txn.status, reason=reason, detail=detail[:300],
                                    at=clock.now())


def charged_fee(txn: Transaction) -> int:
    """The fee actually posted for a transaction (0 while it is pending)."""
    return int(Posting.objects.filter(transaction=txn, kind="fee").aggregate(s=Sum("amount"))["s"]
               or 0)


def fee_refund_of(txn: Transaction) -> Transaction | None:
    return Transaction.objects.filter(parent=txn, type=Transaction.Type.REFUND,
                                      merchant__isnull=True).first()


def refundable_fee(txn: Transaction) -> int:
    if txn.status not in CHARGED or fee_refund_of(txn) is not None:
        return 0
    return min(txn.fee, charged_fee(txn))


def refund_fee(txn_id: int, amount: int | None = None, *, detail: str = "") -> Transaction:
    """Give back all (default) or part of the fee charged for one transaction."""
    try:
        with transaction.atomic():
            original = locks.lock_transaction(txn_id)
            if original.status not in CHARGED:
                raise FeeNotRefundable()
            if fee_refund_of(original) is not None:
                raise FeeAlreadyRefunded()
            limit = min(original.fee, charged_fee(original))
            value = limit if amount is None else amount
            if limit <= 0:
                raise FeeNotRefundable()
            if not isinstance(value, int) or isinstance(value, bool) or value <= 0 or value > limit:
                raise FeeRefundTooLarge(refundable=limit)
            revenue, wallet = ledger.lock([
                ledger.system_lookup(LedgerAccount.Kind.FEE_REVENUE, original.currency),
                ledger.customer_lookup(original.customer_id, original.currency)])
            now = clock.now()
            refund = Transaction.objects.create(
                public_id=public_id("tx"), type=Transaction.Type.REFUND, status=Status.COMPLETED,
                amount=value, currency=original.currency, customer_id=original.customer_id,
                parent=original, note=str(_("Fee refund"))[:140], created_at=now, updated_at=now,
                completed_at=now)
            _event(refund, "", "created")
            _event(refund, "", FEE_REFUND_KIND, original.public_id)
            ledger.post(refund, revenue, wallet, value, FEE_REFUND_KIND)
            _event(original, original.status, "fee_refunded", f"{refund.public_id} {detail}")
    except IntegrityError as exc:
        if "account_available_gte_0" in str(exc):
            raise FeeNotRefundable() from exc
        raise
    return refund


def expire_pending(txn_id: int, *, detail: str = "") -> Transaction:
    with transaction.atomic():
        txn = locks.lock_transaction(txn_id)
        if txn.status != Status.PENDING:
            raise NotPending()
        ledger.close_holds(txn, Hold.Status.VOIDED)
        now = clock.now()
        Transaction.objects.filter(pk=txn.pk, status=Status.PENDING).update(
            status=Status.EXPIRED, updated_at=now)
        txn.status, txn.updated_at = Status.EXPIRED, now
        _event(txn, Status.PENDING, "expired_by_support", detail)
        services.uncount(txn)  # no longer counts towards the risk rules' totals
        if txn.network_ref:
            jobs.enqueue("wallet.cancel_on_network", transaction_id=txn.pk)
    return txn


@dataclass
class Retry:
    transaction: Transaction
    network_state: str  # not_submitted, processing, confirmed, failed, cancelled, unavailable
    changed: bool


def retry_pending(txn_id: int) -> Retry:
    txn = Transaction.objects.get(pk=txn_id)
    if txn.status != Status.PENDING:
        raise NotPending()
    if not txn.network_ref:
        jobs.enqueue("wallet.submit_to_network", transaction_id=txn.pk)
        return Retry(txn, "not_submitted", False)
    try:
        status = get_network().status(txn.network_ref)
    except NetworkUnavailable:
        return Retry(txn, "unavailable", False)
    state = status.state if status is not None else "unknown"
    if state in ("confirmed", "failed"):
        services.on_network_result(txn.public_id, state,
                                   status.decline_reason if status else "", txn.network_ref)
        txn.refresh_from_db()
        return Retry(txn, state, txn.status != Status.PENDING)
    return Retry(txn, state, False)
