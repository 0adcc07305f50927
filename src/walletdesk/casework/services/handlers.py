"""What each action checks and does. ``check`` runs before anything is written (and again
on approval) and returns the cleaned parameters; ``run`` makes the change inside the
transaction that records the action (``outside=True``: before it, because it asks an
outside system and owns its own transaction)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import IntegrityError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from walletdesk.accounts import conf as accounts_conf
from walletdesk.accounts import services as accounts
from walletdesk.accounts.errors import TooManyRequests
from walletdesk.accounts.models import AccountHold, OneTimeCode, User
from walletdesk.accounts.services import codes, holds, lockout, mfa, passkeys
from walletdesk.core import clock
from walletdesk.core.money import format_minor, parse_major
from walletdesk.support.masking import mask_contact
from walletdesk.support.models import Agent, Conversation
from walletdesk.wallet import queries as wallet_queries
from walletdesk.wallet.models import Hold, Posting, Transaction
from walletdesk.wallet.network import NetworkUnavailable, get_network
from walletdesk.wallet.serializers import event_dict, transaction_dict
from walletdesk.wallet.services import adjustments

from .. import notices
from ..errors import ActionNotApplicable, InvalidParameters, ObjectNotInConversation
from ..models import AgentAction, MerchantRefundRequest

RELEASABLE = (AccountHold.Kind.SECURITY, AccountHold.Kind.RISK, AccountHold.Kind.FROZEN)
Done = AgentAction.Status.DONE


@dataclass
class Ctx:
    agent: Agent  # who requested it
    conv: Conversation
    customer: User
    reason: str
    raw: dict[str, Any]
    actor: Agent | None = None  # who makes it happen (the approver for four-eyes actions)

    @property
    def by(self) -> Agent:
        return self.actor or self.agent


# --- parameters and objects -----------------------------------------------------------------

def _text(raw: dict[str, Any], name: str, limit: int = 60, required: bool = True) -> str:
    value = raw.get(name)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or not value.strip() or len(value) > limit:
        raise InvalidParameters(field=name)
    return value.strip()


def _amount(raw: dict[str, Any], currency: str) -> int | None:
    """`amount` in minor units, or `amount_major` as a person types it in the transaction's
    currency ("12.34" yuan), converted exactly by `core.money.parse_major` (no floats)."""
    value, major = raw.get("amount"), raw.get("amount_major")
    if value is not None and major is not None:
        raise InvalidParameters(field="amount")
    if major is not None:
        if not isinstance(major, str):
            raise InvalidParameters(field="amount_major")
        return parse_major(major, currency)
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise InvalidParameters(field="amount")
    return value


def own_transaction(ctx: Ctx, *, as_payer: bool = True) -> Transaction:
    """A transaction of the conversation's customer, named by its id or by the reference the
    customer reads out ("0123 4567 8901 2345"); another customer's is refused."""
    tid = _text(ctx.raw, "transaction_id")
    mine = Q(customer=ctx.customer) if as_payer else Q(customer=ctx.customer) | Q(
        counterparty=ctx.customer)
    txn = wallet_queries.find(Transaction.objects.filter(mine).select_related(
        "merchant", "parent", "promotion"), tid)
    if txn is None:
        raise ObjectNotInConversation()
    return txn


def _tell(ctx: Ctx, what: Any, **values: Any) -> None:
    """An email/SMS to every address on file; ``what`` is rendered in the customer's language."""
    notices.tell_owner(ctx.customer, "support_action", reference=ctx.conv.reference,
                       agent=ctx.by.name_in(getattr(ctx.customer, "language", None) or "zh-hans"),
                       employee_id=ctx.by.employee_id,
                       what=(what, values))


# --- start_unlock ---------------------------------------------------------------------------

def check_start_unlock(ctx: Ctx) -> dict[str, Any]:
    if not (lockout.is_locked(ctx.customer) or holds.active(ctx.customer).filter(
            kind__in=RELEASABLE).exists()):
        raise ActionNotApplicable(_("The account is not locked and has no hold."), detail="not_locked")
    return {}


def run_start_unlock(ctx: Ctx, params: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """Send the customer an unlock code to their contact on file; they finish it themselves
    on the login page ("Account locked"). The agent never sees the code or a password."""
    address = ctx.customer.email or ctx.customer.phone or ""
    channel = OneTimeCode.Channel.EMAIL if "@" in address else OneTimeCode.Channel.SMS
    code = codes.issue(ctx.customer, OneTimeCode.Purpose.UNLOCK, channel)
    if code is None:
        raise TooManyRequests()
    notices.send("support_unlock", address, ctx.customer, code=code, reference=ctx.conv.reference,
                 minutes=codes.ttl_minutes(channel))
    return AgentAction.Status.AWAITING_CUSTOMER, {"sent_to": mask_contact(address),
                                                  "channel": channel,
                                                  "minutes": codes.ttl_minutes(channel)}


# --- holds, freeze, 2FA ------------------------------------------------------------------------

def check_release_hold(ctx: Ctx) -> dict[str, Any]:
    active = holds.active(ctx.customer).filter(kind__in=RELEASABLE)
    hold_id = ctx.raw.get("hold_id")
    if hold_id is not None:
        if not isinstance(hold_id, int) or isinstance(hold_id, bool):
            raise InvalidParameters(field="hold_id")
        if not AccountHold.objects.filter(pk=hold_id, user=ctx.customer).exists():
            raise ObjectNotInConversation()
        active = active.filter(pk=hold_id)
    ids = sorted(active.values_list("pk", flat=True))
    if not ids:
        raise ActionNotApplicable(_("The account has no hold that support can release."),
                                  detail="no_active_hold")
    return {"hold_ids": ids}


def run_release_hold(ctx: Ctx, params: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    released = holds.release_ids(ctx.customer, params["hold_ids"], ctx.by.user)
    lockout.reset(ctx.customer)
    _tell(ctx, _("the hold on your account was released."))
    return Done, {"released": released}


def check_freeze(ctx: Ctx) -> dict[str, Any]:
    return {}


def run_freeze(ctx: Ctx, params: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """A security hold: no login and no outgoing money until unlocked; every session ends."""
    hold = holds.place(ctx.customer, AccountHold.Kind.SECURITY,
                       f"support {ctx.by.employee_id}: {ctx.reason}")
    accounts.end_sessions(ctx.customer)
    _tell(ctx, _("your account was frozen for your protection; unlock it with a code sent to you."))
    return Done, {"hold_id": hold.pk}


def check_reset_2fa(ctx: Ctx) -> dict[str, Any]:
    if not mfa.has_totp(ctx.customer) and not passkeys.has_passkey(ctx.customer):
        raise ActionNotApplicable(_("Two-step verification is not turned on."), detail="no_two_step")
    return {}


def run_reset_2fa(ctx: Ctx, params: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """Authenticator, recovery codes and passkeys go; money out waits as after a password reset,
    so that someone who talked their way to a reset cannot empty the wallet at once."""
    removed = passkeys.remove_all(ctx.customer)
    mfa.disable(ctx.customer)
    hours = accounts_conf.get().hold_after_reset_hours
    if hours:
        holds.place(ctx.customer, AccountHold.Kind.AFTER_RESET, "two-step reset by support",
                    until=clock.now() + timedelta(hours=hours), blocks_login=False)
    _tell(ctx, _("two-step verification was turned off; set it up again in Security settings."))
    return Done, {"passkeys_removed": removed, "hold_hours": hours}


# --- transactions ----------------------------------------------------------------------------

def check_trace_transaction(ctx: Ctx) -> dict[str, Any]:
    return {"transaction_id": own_transaction(ctx, as_payer=False).public_id}


def run_trace_transaction(ctx: Ctx, params: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """Read-only: the full status history, holds, postings and the payment network's view."""
    txn = Transaction.objects.select_related("merchant", "parent", "promotion").get(
        public_id=params["transaction_id"])
    network: dict[str, Any] | None = None
    if txn.network_ref:
        try:
            status = get_network().status(txn.network_ref)
            network = ({"reference": status.reference, "kind": status.kind, "state": status.state,
                        "decline_reason": status.decline_reason} if status else
                       {"reference": txn.network_ref, "state": "unknown"})
        except NetworkUnavailable:
            network = {"reference": txn.network_ref, "state": "unavailable"}
    return Done, {
        "transaction": transaction_dict(txn),
        "history": [event_dict(e) for e in txn.events.all()],
        "holds": [{"direction": h.direction, "amount": h.amount, "status": h.status}
                  for h in Hold.objects.filter(transaction=txn).order_by("pk")],
        "postings": [{"kind": p.kind, "amount": p.amount, "currency": p.currency}
                     for p in Posting.objects.filter(transaction=txn).order_by("pk")],
        "network": network,
        "refundable_fee": adjustments.refundable_fee(txn),
    }


def _pending(ctx: Ctx) -> dict[str, Any]:
    txn = own_transaction(ctx)
    if txn.status != Transaction.Status.PENDING:
        raise ActionNotApplicable(_("This transaction is not pending."), detail="not_pending")
    return {"transaction_id": txn.public_id}


check_retry_transaction = check_expire_transaction = _pending


def run_retry_transaction(ctx: Ctx, params: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    txn = Transaction.objects.get(public_id=params["transaction_id"])
    retry = adjustments.retry_pending(txn.pk)
    if retry.changed:
        _tell(ctx, _("we checked payment %(id)s with the network; its status is now: %(status)s."),
              id=txn.public_id, status=Transaction.Status(retry.transaction.status).label)
    return Done, {"transaction_id": txn.public_id, "network_state": retry.network_state,
                  "status": retry.transaction.status, "changed": retry.changed}


def run_expire_transaction(ctx: Ctx, params: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    txn = Transaction.objects.get(public_id=params["transaction_id"])
    txn = adjustments.expire_pending(txn.pk, detail=f"support {ctx.by.employee_id}")
    _tell(ctx, _("pending payment %(id)s was stopped and the money it held was released."),
          id=txn.public_id)
    return Done, {"transaction_id": txn.public_id, "status": txn.status}


def check_request_merchant_refund(ctx: Ctx) -> dict[str, Any]:
    txn = own_transaction(ctx)
    if txn.type != Transaction.Type.PAYMENT or txn.merchant_id is None or txn.status not in (
            Transaction.Status.COMPLETED, Transaction.Status.PARTIALLY_REFUNDED):
        raise ActionNotApplicable(_("Only a completed payment to a merchant can be refunded."),
                                  detail="not_refundable")
    amount = _amount(ctx.raw, txn.currency) or txn.refundable_amount
    if amount > txn.refundable_amount:
        raise InvalidParameters(field="amount", refundable=txn.refundable_amount)
    if MerchantRefundRequest.objects.filter(payment=txn,
                                            status=MerchantRefundRequest.Status.OPEN).exists():
        raise ActionNotApplicable(_("The merchant has already been asked to refund this payment."),
                                  detail="already_requested")
    note = _text(ctx.raw, "note", 500, required=False)
    return {"transaction_id": txn.public_id, "amount": amount, "note": note}


def run_request_merchant_refund(ctx: Ctx, params: dict[str, Any],
                                action: AgentAction | None = None) -> tuple[str, dict[str, Any]]:
    assert action is not None
    txn = Transaction.objects.select_related("merchant").get(public_id=params["transaction_id"])
    assert txn.merchant is not None
    try:
        req = MerchantRefundRequest.objects.create(action=action, merchant=txn.merchant,
                                                   payment=txn, amount=params["amount"],
                                                   note=params["note"] or ctx.reason)
    except IntegrityError:
        raise ActionNotApplicable(_("The merchant has already been asked to refund this payment."),
                                  detail="already_requested") from None
    for address in (ctx.customer.email, ctx.customer.phone):
        if address:
            notices.send("refund_requested", address, ctx.customer, reference=ctx.conv.reference,
                         merchant=txn.merchant.name, payment=txn.public_id,
                         amount=format_minor(params["amount"], txn.currency))
    return Done, {"request_id": req.pk, "merchant": txn.merchant.slug, "amount": req.amount,
                  "currency": txn.currency, "status": req.status}


def check_refund_fee(ctx: Ctx) -> dict[str, Any]:
    txn = own_transaction(ctx)
    limit = adjustments.refundable_fee(txn)
    if limit <= 0:
        raise ActionNotApplicable(_("This transaction has no fee left to refund."),
                                  detail="no_refundable_fee")
    amount = _amount(ctx.raw, txn.currency) or limit
    if amount > limit:
        raise InvalidParameters(field="amount", refundable=limit)
    return {"transaction_id": txn.public_id, "amount": amount, "currency": txn.currency}


def run_refund_fee(ctx: Ctx, params: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    txn = Transaction.objects.get(public_id=params["transaction_id"])
    refund = adjustments.refund_fee(txn.pk, params["amount"], detail=f"support {ctx.by.employee_id}")
    _tell(ctx, _("the fee of %(id)s was refunded to your wallet: %(amount)s."),
          id=txn.public_id, amount=format_minor(refund.amount, refund.currency))
    return Done, {"transaction_id": txn.public_id, "refund_id": refund.public_id,
                  "amount": refund.amount, "currency": refund.currency}


# --- refund requests escalated by the customer (disputes app) --------------------------------

def _escalated_request(ctx: Ctx) -> Any:
    """The customer's escalated refund request: the one for ``transaction_id`` if given, else
    the one escalated into this conversation. Another customer's is refused like a made-up id."""
    from walletdesk.disputes.errors import RefundRequestNotFound
    from walletdesk.disputes.models import RefundRequest
    from walletdesk.disputes.services import escalated_for

    if ctx.raw.get("transaction_id") is not None:
        txn = own_transaction(ctx)
        req = (RefundRequest.objects.filter(payment=txn, customer=ctx.customer)
               .select_related("payment", "merchant", "customer", "conversation")
               .order_by("-created_at", "-pk").first())
        if req is None:
            raise ObjectNotInConversation()
    else:
        try:
            req = escalated_for(ctx.conv.pk, ctx.customer.pk)
        except RefundRequestNotFound:
            raise ActionNotApplicable(_("No refund request was passed to support in this "
                                        "conversation."), detail="no_refund_request") from None
    if req.status != RefundRequest.Status.ESCALATED:
        raise ActionNotApplicable(_("This refund request is not with customer support."),
                                  detail="not_escalated")
    return req


def check_refund_from_merchant(ctx: Ctx) -> dict[str, Any]:
    req = _escalated_request(ctx)
    amount = _amount(ctx.raw, req.currency) or req.amount
    if amount > min(req.amount, req.payment.refundable_amount):
        raise InvalidParameters(field="amount",
                                refundable=min(req.amount, req.payment.refundable_amount))
    return {"transaction_id": req.payment.public_id, "refund_request_id": req.public_id,
            "amount": amount, "currency": req.currency}


def run_refund_from_merchant(ctx: Ctx, params: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """Support decides for the customer: the merchant's own refund, from its balance."""
    from walletdesk.disputes import services as disputes
    from walletdesk.disputes.models import RefundRequest

    req = RefundRequest.objects.select_related("payment", "merchant", "customer").get(
        public_id=params["refund_request_id"])
    req = disputes.support_refund(req, params["amount"], ctx.reason, ctx.by.employee_id)
    assert req.refund is not None
    return Done, {"transaction_id": params["transaction_id"], "refund_id": req.refund.public_id,
                  "refund_request_id": req.public_id, "amount": req.granted_amount,
                  "currency": req.currency}


def check_close_refund_request(ctx: Ctx) -> dict[str, Any]:
    req = _escalated_request(ctx)
    return {"transaction_id": req.payment.public_id, "refund_request_id": req.public_id}


def run_close_refund_request(ctx: Ctx, params: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    from walletdesk.disputes import services as disputes
    from walletdesk.disputes.models import RefundRequest

    req = RefundRequest.objects.select_related("payment", "merchant", "customer").get(
        public_id=params["refund_request_id"])
    req = disputes.support_close(req, ctx.reason, ctx.by.employee_id)
    return Done, {"transaction_id": params["transaction_id"],
                  "refund_request_id": req.public_id, "status": req.status}


@dataclass(frozen=True)
class Spec:
    check: Callable[[Ctx], dict[str, Any]]
    run: Callable[..., tuple[str, dict[str, Any]]]
    outside: bool = False  # asks an outside system: runs before the recording transaction
    wants_action: bool = False


SPECS: dict[str, Spec] = {
    "start_unlock": Spec(check_start_unlock, run_start_unlock),
    "release_hold": Spec(check_release_hold, run_release_hold),
    "freeze": Spec(check_freeze, run_freeze),
    "trace_transaction": Spec(check_trace_transaction, run_trace_transaction, outside=True),
    "retry_transaction": Spec(check_retry_transaction, run_retry_transaction, outside=True),
    "expire_transaction": Spec(check_expire_transaction, run_expire_transaction),
    "request_merchant_refund": Spec(check_request_merchant_refund, run_request_merchant_refund,
                                    wants_action=True),
    "refund_fee": Spec(check_refund_fee, run_refund_fee),
    "reset_2fa": Spec(check_reset_2fa, run_reset_2fa),
    "refund_from_merchant": Spec(check_refund_from_merchant, run_refund_from_merchant),
    "close_refund_request": Spec(check_close_refund_request, run_close_refund_request),
}
