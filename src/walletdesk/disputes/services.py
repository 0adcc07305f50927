"""Refund requests: the only code that writes a ``RefundRequest`` or its timeline.

Every function checks everything before it writes; a refusal is a typed ``DomainError``
and changes nothing. Decisions lock the request row first (``locks.py``), so of two
answers at the same moment exactly one wins. Money moves only through the wallet's
``services.refund`` (the merchant's own refund: its balance, the payment's refundable
amount, the ledger's rules), called inside the transaction that records the decision.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q

from walletdesk.accounts.models import User
from walletdesk.core import clock
from walletdesk.core.money import check_amount
from walletdesk.support.services import chat
from walletdesk.wallet import locks as wallet_locks
from walletdesk.wallet import services as wallet
from walletdesk.wallet.errors import NotRefundable, TransactionNotFound
from walletdesk.wallet.models import Merchant, Transaction, public_id

from . import deadlines, locks, notices
from .errors import (
    AcceptTooLarge,
    AlreadyAnswered,
    AlreadyRequested,
    AmountTooLarge,
    AnswerTooLate,
    DeclineReasonRequired,
    NoMerchantWebhook,
    NotEscalatable,
    NotWithdrawable,
    NotWithSupport,
    PaymentNotEligible,
    RefundRequestNotFound,
    TextTooLong,
    TooManyImages,
    UnknownReason,
)
from .models import Reason, RefundRequest, RefundRequestEvent, RefundRequestImage

log = logging.getLogger(__name__)
Status = RefundRequest.Status
Ev = RefundRequestEvent.Kind
Actor = RefundRequestEvent.Actor
MAX_IMAGES = 3
MAX_TEXT = 1000
ELIGIBLE = (Transaction.Status.COMPLETED, Transaction.Status.PARTIALLY_REFUNDED)


def _event(req: RefundRequest, kind: str, actor: str, *, amount: int | None = None,
           note: str = "") -> RefundRequestEvent:
    return RefundRequestEvent.objects.create(request=req, kind=kind, actor=actor, amount=amount,
                                             note=note[:500], at=clock.now())


def clean_note(value: object, *, low: int = 5, high: int = 500) -> str:
    if not isinstance(value, str) or not (low <= len(value.strip()) <= high):
        raise DeclineReasonRequired()
    return value.strip()


# --- the customer ------------------------------------------------------------------------

def ask(customer: User, txn_id: object, *, amount: object = None, reason: object,
        text: object = "", images: list[bytes] | None = None) -> RefundRequest:
    """A customer asks the merchant for all (``amount`` None) or part of a payment back."""
    found = (Transaction.objects.filter(public_id=txn_id, customer=customer)
             .select_related("merchant").first() if isinstance(txn_id, str) else None)
    if found is None:  # another customer's payment looks like no payment at all
        raise TransactionNotFound()
    if (found.type != Transaction.Type.PAYMENT or found.merchant_id is None
            or found.status not in ELIGIBLE):
        raise PaymentNotEligible()
    value = found.refundable_amount if amount is None else check_amount(amount)
    if value > found.refundable_amount:
        raise AmountTooLarge(refundable=found.refundable_amount)
    if not isinstance(reason, str) or reason not in Reason.values:
        raise UnknownReason()
    words = text.strip() if isinstance(text, str) else ""
    if len(words) > MAX_TEXT:
        raise TextTooLong()
    pictures = list(images or [])
    if len(pictures) > MAX_IMAGES:
        raise TooManyImages()
    encoded = [chat.check_image(data) for data in pictures]  # re-encoded as chat images are
    now = clock.now()
    due = deadlines.respond_by(found.merchant_id, now)
    try:
        with transaction.atomic():
            payment = wallet_locks.lock_transaction(found.pk)
            if payment.status not in ELIGIBLE or payment.merchant_id is None:
                raise NotRefundable()
            if value > payment.refundable_amount:
                raise AmountTooLarge(refundable=payment.refundable_amount)
            if RefundRequest.objects.filter(payment=payment, status__in=RefundRequest.ACTIVE
                                            ).exists():
                raise AlreadyRequested()
            req = RefundRequest.objects.create(
                public_id=public_id("rr"), payment=payment, customer=customer,
                merchant_id=payment.merchant_id, amount=value, currency=payment.currency,
                reason=reason, text=words, respond_by=due, created_at=now)
            for img in encoded:
                RefundRequestImage.objects.create(request=req, content_type=img.content_type,
                                                  data=img.data, width=img.width,
                                                  height=img.height, created_at=now)
            _event(req, Ev.ASKED, Actor.CUSTOMER, amount=value, note=words)
            _webhook(req, "refund_request.created")
            notices.tell_customer(req, "asked")
            notices.tell_merchant(req, "new_request", reason=Reason(reason).label)
    except IntegrityError as exc:  # the partial unique index: a request made at the same moment
        if "disputes_one_active_request_per_payment" in str(exc) or "UNIQUE" in str(exc):
            raise AlreadyRequested() from exc
        raise
    return req


def own_request(customer: User, request_id: object) -> RefundRequest:
    req = (RefundRequest.objects.filter(public_id=request_id, customer=customer)
           .select_related("payment", "merchant", "conversation").first()
           if isinstance(request_id, str) else None)
    if req is None:
        raise RefundRequestNotFound()
    return req


def withdraw(customer: User, request_id: object) -> RefundRequest:
    req = own_request(customer, request_id)
    with transaction.atomic():
        locked = locks.lock_request(req.pk)
        if locked.status not in (Status.OPEN, Status.DECLINED, Status.EXPIRED):
            raise NotWithdrawable()
        RefundRequest.objects.filter(pk=req.pk).update(status=Status.WITHDRAWN,
                                                       closed_at=clock.now())
        _event(req, Ev.WITHDRAWN, Actor.CUSTOMER)
        req.refresh_from_db()
        notices.tell_merchant(req, "withdrawn")
    return req


def escalate(customer: User, request_id: object, message: object = "") -> RefundRequest:
    """A declined or expired request goes to customer support: a conversation on the
    "refunds" topic whose context holds the request, its timeline and the payment's history."""
    from walletdesk.support.services import conversations

    req = own_request(customer, request_id)
    if req.status not in (Status.DECLINED, Status.EXPIRED):
        raise NotEscalatable()
    text = message.strip() if isinstance(message, str) else ""
    with transaction.atomic():
        locked = locks.lock_request(req.pk)
        if locked.status not in (Status.DECLINED, Status.EXPIRED):
            raise NotEscalatable()
        opened = conversations.open_conversation(
            customer, topic="refunds", message=text or _opening_line(locked),
            transaction_id=locked.payment.public_id, use_triage=False,
            extra_context={"refund_request": context_of(locked)})
        conv = opened.conversation
        now = clock.now()
        RefundRequest.objects.filter(pk=req.pk).update(status=Status.ESCALATED, escalated_at=now,
                                                       conversation=conv)
        _event(req, Ev.ESCALATED, Actor.CUSTOMER, note=conv.reference)
        req.refresh_from_db()
        notices.tell_customer(req, "escalated")
        notices.tell_merchant(req, "merchant_escalated")
    return req


def _opening_line(req: RefundRequest) -> str:
    from django.utils import translation
    from django.utils.translation import gettext

    from walletdesk.core.money import format_minor

    with translation.override(req.customer.language or "zh-hans"):
        return gettext("Please look at my refund request %(id)s: %(amount)s of payment "
                       "%(payment)s.") % {"id": req.public_id,
                                          "amount": format_minor(req.amount, req.currency),
                                          "payment": req.payment.public_id}


def context_of(req: RefundRequest) -> dict[str, Any]:
    """What the agent sees in the console: the request, its timeline, the payment's history
    (a snapshot, amounts in minor units like the rest of the conversation context)."""
    payment = req.payment
    return {
        "id": req.public_id, "status": req.status, "amount": req.amount,
        "currency": req.currency, "reason": req.reason, "text": req.text,
        "merchant": {"slug": req.merchant.slug, "name": req.merchant.name,
                     "name_en": req.merchant.name_en},
        "respond_by": req.respond_by.isoformat(), "decline_reason": req.decline_reason,
        "granted_amount": req.granted_amount,
        "images": req.images.count(),
        "events": [event_dict(e) for e in req.events.all()],
        "payment": {"id": payment.public_id, "status": payment.status, "amount": payment.amount,
                    "refunded_amount": payment.refunded_amount, "currency": payment.currency,
                    "created_at": payment.created_at.isoformat(),
                    "history": [{"from_status": e.from_status, "to_status": e.to_status,
                                 "reason": e.reason, "detail": e.detail, "at": e.at.isoformat()}
                                for e in payment.events.all()]},
    }


def event_dict(e: RefundRequestEvent) -> dict[str, Any]:
    return {"kind": e.kind, "by": e.actor, "amount": e.amount, "note": e.note,
            "at": e.at.isoformat()}


# --- the merchant ------------------------------------------------------------------------

def merchant_request(merchant: Merchant, request_id: object) -> RefundRequest:
    """The merchant's own request; another merchant's looks like none (404)."""
    req = (RefundRequest.objects.filter(public_id=request_id, merchant=merchant)
           .select_related("payment", "customer", "merchant").first()
           if isinstance(request_id, str) else None)
    if req is None:
        raise RefundRequestNotFound()
    return req


def _answerable(locked: RefundRequest) -> None:
    if locked.status != Status.OPEN:
        raise AlreadyAnswered()
    if clock.now() >= locked.respond_by:
        raise AnswerTooLate()


def accept(merchant: Merchant, request_id: object, amount: object = None) -> RefundRequest:
    """The merchant refunds what was asked (``amount`` None) or part of it."""
    req = merchant_request(merchant, request_id)
    value = req.amount if amount is None else check_amount(amount)
    if value > req.amount:
        raise AcceptTooLarge(asked=req.amount)
    _answerable(req)
    with transaction.atomic():
        locked = locks.lock_request(req.pk)
        _answerable(locked)
        full = value == locked.amount
        now = clock.now()
        # The status changes first: the refund's own receiver (receivers.py) then finds no
        # open request, and a refusal by the wallet rolls this back with everything else.
        RefundRequest.objects.filter(pk=req.pk, status=Status.OPEN).update(
            status=Status.GRANTED if full else Status.PARTIALLY_GRANTED, answered_at=now,
            closed_at=now, granted_amount=value)
        refund = wallet.refund(merchant, payment_id=locked.payment.public_id, amount=value)
        RefundRequest.objects.filter(pk=req.pk).update(refund=refund)
        _event(req, Ev.GRANTED if full else Ev.PARTIALLY_GRANTED, Actor.MERCHANT, amount=value,
               note=refund.public_id)
        req.refresh_from_db()
        notices.tell_customer(req, "granted" if full else "partially_granted", amount=value)
    return req


def decline(merchant: Merchant, request_id: object, reason: object) -> RefundRequest:
    req = merchant_request(merchant, request_id)
    note = clean_note(reason)
    _answerable(req)
    with transaction.atomic():
        locked = locks.lock_request(req.pk)
        _answerable(locked)
        now = clock.now()
        RefundRequest.objects.filter(pk=req.pk).update(status=Status.DECLINED, answered_at=now,
                                                       decline_reason=note)
        _event(req, Ev.DECLINED, Actor.MERCHANT, note=note)
        req.refresh_from_db()
        notices.tell_customer(req, "declined", reason=note)
    return req


def granted_elsewhere(refund: Transaction) -> None:
    """The merchant refunded the payment through its own refund endpoint while a request was
    open: the request is answered by that refund (called in the refund's transaction)."""
    for req in RefundRequest.objects.filter(payment_id=refund.parent_id, status=Status.OPEN):
        value = min(refund.amount, req.amount)
        full = value == req.amount
        now = clock.now()
        if RefundRequest.objects.filter(pk=req.pk, status=Status.OPEN).update(
                status=Status.GRANTED if full else Status.PARTIALLY_GRANTED, answered_at=now,
                closed_at=now, granted_amount=value, refund=refund):
            _event(req, Ev.GRANTED if full else Ev.PARTIALLY_GRANTED, Actor.MERCHANT,
                   amount=value, note=refund.public_id)
            notices.tell_customer(req, "granted" if full else "partially_granted", amount=value)


# --- time ----------------------------------------------------------------------------------

def expire_due(limit: int = 500) -> int:
    """Open requests past their deadline become ``expired``; the customer is told they can
    pass it to customer support (the periodic job ``disputes.expire_due``)."""
    now = clock.now()
    ids = list(RefundRequest.objects.filter(status=Status.OPEN, respond_by__lte=now)
               .order_by("respond_by").values_list("pk", flat=True)[:limit])
    done = 0
    for pk in ids:
        with transaction.atomic():
            locked = locks.lock_request(pk)
            if locked.status != Status.OPEN or locked.respond_by > now:
                continue
            RefundRequest.objects.filter(pk=pk).update(status=Status.EXPIRED)
            _event(locked, Ev.EXPIRED, Actor.SYSTEM)
            locked.refresh_from_db()
            notices.tell_customer(locked, "expired")
            done += 1
    return done


# --- customer support (called by casework's typed actions, which audit them) ---------------

def escalated_for(conversation_id: int, customer_id: int) -> RefundRequest:
    req = (RefundRequest.objects.filter(conversation_id=conversation_id, customer_id=customer_id)
           .select_related("payment", "merchant", "customer", "conversation")
           .order_by("-escalated_at").first())
    if req is None:
        raise RefundRequestNotFound()
    return req


def support_refund(req: RefundRequest, amount: int, note: str, employee_id: str) -> RefundRequest:
    """Support decides for the customer: the refund comes from the merchant's balance through
    the merchant's own refund service (the same ledger rules as the merchant's refund)."""
    with transaction.atomic():
        locked = locks.lock_request(req.pk)
        if locked.status != Status.ESCALATED:
            raise NotWithSupport()
        if amount > locked.amount:
            raise AcceptTooLarge(asked=locked.amount)
        now = clock.now()
        RefundRequest.objects.filter(pk=req.pk).update(
            status=Status.RESOLVED_BY_SUPPORT, outcome="refunded", granted_amount=amount,
            closed_at=now)
        refund = wallet.refund(locked.merchant, payment_id=locked.payment.public_id,
                               amount=amount)
        RefundRequest.objects.filter(pk=req.pk).update(refund=refund)
        _event(req, Ev.SUPPORT_REFUNDED, Actor.SUPPORT, amount=amount,
               note=f"{employee_id}: {note}")
        req.refresh_from_db()
        notices.tell_customer(req, "support_refunded", amount=amount)
        notices.tell_merchant(req, "merchant_support_refunded", amount=amount, reason=note)
    return req


def support_close(req: RefundRequest, note: str, employee_id: str) -> RefundRequest:
    with transaction.atomic():
        locked = locks.lock_request(req.pk)
        if locked.status != Status.ESCALATED:
            raise NotWithSupport()
        RefundRequest.objects.filter(pk=req.pk).update(
            status=Status.RESOLVED_BY_SUPPORT, outcome="closed", closed_at=clock.now())
        _event(req, Ev.SUPPORT_CLOSED, Actor.SUPPORT, note=f"{employee_id}: {note}")
        req.refresh_from_db()
        notices.tell_customer(req, "support_closed", reason=note)
        notices.tell_merchant(req, "merchant_support_closed", reason=note)
    return req


# --- webhook -------------------------------------------------------------------------------

def _webhook(req: RefundRequest, event_type: str) -> None:
    """A signed event to the merchant's own endpoint (``MerchantTerms.webhook``), written in
    this transaction and sent after commit by the webhooks app (signing, retries, SSRF)."""
    from walletdesk.webhooks import services as webhooks

    from .models import MerchantTerms

    terms = MerchantTerms.objects.filter(merchant_id=req.merchant_id,
                                         webhook__is_active=True).select_related("webhook").first()
    if terms is None or terms.webhook is None:
        return
    webhooks.emit(event_type, webhook_data(req), [terms.webhook])


def webhook_data(req: RefundRequest) -> dict[str, Any]:
    return {"refund_request": {"id": req.public_id, "status": req.status,
                               "payment_id": req.payment.public_id, "amount": req.amount,
                               "currency": req.currency, "reason": req.reason,
                               "respond_by": req.respond_by.isoformat(),
                               "created_at": req.created_at.isoformat()}}


def search(qs: Any, status: str) -> Any:
    return qs.filter(Q(status=status)) if status else qs


# --- a merchant's terms ---------------------------------------------------------------------

def configure_merchant(merchant: Merchant, *, answer_business_days: object = None,
                       region: object = None, webhook_url: object = None) -> Any:
    """A merchant's deadline (1 to 30 business days), its region (whose business hours count)
    and its webhook endpoint (checked by the webhooks app: public addresses only)."""
    from walletdesk.core.errors import ValidationFailed
    from walletdesk.webhooks import services as webhooks

    from .models import MerchantTerms

    with transaction.atomic():
        terms, _created = MerchantTerms.objects.get_or_create(merchant=merchant)
        if answer_business_days is not None:
            if (not isinstance(answer_business_days, int) or isinstance(answer_business_days, bool)
                    or not 1 <= answer_business_days <= 30):
                raise ValidationFailed(code="invalid_answer_days")
            terms.answer_business_days = answer_business_days
        if region is not None:
            if not isinstance(region, str) or not region.isalpha() or len(region) > 8:
                raise ValidationFailed(code="unknown_region")
            terms.region = region.upper()
        if webhook_url is not None:
            if terms.webhook is None:
                terms.webhook = webhooks.create_endpoint(
                    url=webhook_url, description=f"merchant {merchant.slug}: refund requests",
                    event_types=["refund_request.created"])
            else:
                # saving the address again also resumes an endpoint paused by a 410 Gone
                webhooks.update_endpoint(terms.webhook, url=webhook_url, is_active=True)
        terms.save()
    return terms


# --- the merchant's own webhook for refund requests ----------------------------------------

def terms_of(merchant: Merchant) -> Any:
    """The merchant's refund terms, or None before anything was set (defaults apply)."""
    from .models import MerchantTerms

    return MerchantTerms.objects.filter(merchant=merchant).select_related("webhook").first()


def set_merchant_webhook(merchant: Merchant, url: object, by: User) -> tuple[Any, str]:
    """Point ``refund_request.created`` at the merchant's own URL (public addresses only, as
    every webhook). Returns the endpoint and, when it is new, its signing secret, which the
    page shows once; an address change keeps the secret. Recorded in the owner's security log."""
    from walletdesk.accounts.services import events

    had = terms_of(merchant)
    new = had is None or had.webhook is None
    with transaction.atomic():  # the change and its line in the security log, or neither
        terms = configure_merchant(merchant, webhook_url=url)
        events.record("merchant_webhook_set", by, merchant=merchant.slug, url=terms.webhook.url)
    return terms.webhook, terms.webhook.secret if new else ""


def rotate_merchant_webhook_secret(merchant: Merchant, by: User) -> str:
    """A new signing secret, in use from now on; the old one stops verifying at once."""
    from walletdesk.accounts.services import events
    from walletdesk.webhooks import services as webhooks

    terms = terms_of(merchant)
    if terms is None or terms.webhook is None:
        raise NoMerchantWebhook()
    with transaction.atomic():
        endpoint = webhooks.rotate_secret(terms.webhook)
        events.record("merchant_webhook_secret_rotated", by, merchant=merchant.slug)
    return str(endpoint.secret)


def remove_merchant_webhook(merchant: Merchant, by: User) -> None:
    """No more refund-request calls; pending deliveries go with the endpoint."""
    from walletdesk.accounts.services import events
    from walletdesk.webhooks import services as webhooks

    terms = terms_of(merchant)
    if terms is None or terms.webhook is None:
        raise NoMerchantWebhook()
    with transaction.atomic():
        webhooks.delete_endpoint(terms.webhook)
        events.record("merchant_webhook_removed", by, merchant=merchant.slug)


def send_merchant_webhook_test(merchant: Merchant, by: User) -> str:
    """A signed ``webhook.test`` event to the merchant's URL; returns the event's id."""
    from walletdesk.webhooks import services as webhooks

    terms = terms_of(merchant)
    if terms is None or terms.webhook is None:
        raise NoMerchantWebhook()
    return str(webhooks.send_test(terms.webhook, by).id)
