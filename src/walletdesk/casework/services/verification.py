"""Customer verification inside a conversation.

The agent asks; the customer proves who they are in one of three ways, never with
security questions and never by reading a secret to the agent:

* ``in_app``: the logged-in customer taps "confirm" in their own chat page (their
  session is the proof);
* ``code``: a one-time code goes to the contact on file (email, else phone); the customer
  types it into their own chat page (a guest who cannot log in uses this);
* ``totp``: the customer types a code from their authenticator app into the chat page. It is
  checked through the accounts lockout (`lockout.attempt`, the TOTP factor): wrong codes here
  count with those at login and step-up, and a locked factor is refused unchecked.

A request lapses after ``REQUEST_MINUTES``; a confirmation is good for
``VALID_MINUTES``. A new request replaces the pending one.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import F

from walletdesk.accounts.errors import TooManyAttempts, TooManyRequests
from walletdesk.accounts.models import User
from walletdesk.accounts.services import codes, lockout, mfa
from walletdesk.core import clock
from walletdesk.support import access, events
from walletdesk.support.models import Agent, Conversation

from .. import audit, conf, notices
from ..errors import (
    CustomerUnknown,
    MethodUnavailable,
    VerificationCodeWrong,
    VerificationNotFound,
    VerificationNotPending,
)
from ..guards import live_conversation_of
from ..models import Verification

CODE_PURPOSE = "casework"
MAX_TRIES = 5
Method = Verification.Method


def request_minutes() -> int:
    return conf.get().verification_request_minutes


def valid_minutes() -> int:
    return conf.get().verification_valid_minutes


def contact_on_file(user: User) -> str:
    return user.email or user.phone or ""


def available_methods(customer: User) -> list[str]:
    out = [Method.IN_APP.value]
    if contact_on_file(customer):
        out.append(Method.CODE.value)
    if mfa.has_totp(customer):
        out.append(Method.TOTP.value)
    return out


def start(agent: Agent, conv_id: int, method: object = Method.IN_APP) -> Verification:
    """The agent asks the conversation's customer to verify (replacing a pending request)."""
    conv = live_conversation_of(agent, conv_id)
    customer = conv.customer
    if customer is None:
        raise CustomerUnknown()
    if not isinstance(method, str) or method not in available_methods(customer):
        raise MethodUnavailable()
    now = clock.now()
    with transaction.atomic():
        Verification.objects.filter(conversation=conv, status=Verification.Status.PENDING).update(
            status=Verification.Status.CANCELLED)
        v = Verification.objects.create(conversation=conv, customer=customer, requested_by=agent,
                                        method=method, created_at=now,
                                        expires_at=now + timedelta(minutes=request_minutes()))
        if method == Method.CODE:
            address = contact_on_file(customer)
            channel = "email" if "@" in address else "sms"
            code = codes.issue(customer, CODE_PURPOSE, channel)
            if code is None:
                raise TooManyRequests()
            notices.send("verification_code", address, customer, code=code,
                         reference=conv.reference, minutes=request_minutes())
        audit.record("verification_requested", customer, agent, conversation=conv.reference,
                     method=method, verification=v.pk)
        audit.tell_conversation(conv, "verification_requested", method, agent=agent)
        _changed(conv)
    return v


def _changed(conv: Conversation) -> None:
    frame = {"type": "verification", "conversation_id": conv.pk}
    events.publish(events.conv_group(conv.pk), frame)


def for_customer(vid: int, user: Any, guest: str = "") -> tuple[Verification, bool]:
    """The verification and whether the caller is logged in as its customer (404 otherwise)."""
    v = Verification.objects.select_related("conversation", "customer").filter(pk=vid).first()
    if v is None:
        raise VerificationNotFound()
    role = access.role_in(v.conversation, user, guest)
    logged_in = bool(getattr(user, "is_authenticated", False)) and user.pk == v.customer_id
    if role != "customer" or v.conversation.customer_id != v.customer_id:
        raise VerificationNotFound()
    return v, logged_in


def confirm(vid: int, user: Any, guest: str = "", code: object = None, *,
            ip: str | None = None) -> Verification:
    v, logged_in = for_customer(vid, user, guest)
    if v.status != Verification.Status.PENDING or v.expires_at <= clock.now():
        raise VerificationNotPending()
    if v.method == Method.IN_APP and not logged_in:
        raise MethodUnavailable()
    if v.method == Method.CODE:
        codes.consume(v.customer, CODE_PURPOSE, code)  # InvalidCode; tries counted by codes
    elif v.method == Method.TOTP:
        _check_totp(v, code, ip)
    now = clock.now()
    with transaction.atomic():
        if not Verification.objects.filter(pk=v.pk, status=Verification.Status.PENDING,
                                           expires_at__gt=now).update(
                status=Verification.Status.CONFIRMED, confirmed_at=now,
                expires_at=now + timedelta(minutes=valid_minutes())):
            raise VerificationNotPending()
        audit.record("customer_verified", v.customer, None, conversation=v.conversation.reference,
                     method=v.method, verification=v.pk)
        audit.tell_conversation(v.conversation, "customer_verified", v.method)
        _changed(v.conversation)
        events.publish(events.staff_group(v.conversation_id),
                       {"type": "context", "conversation_id": v.conversation_id})
    v.refresh_from_db()
    return v


def _check_totp(v: Verification, code: object, ip: str | None) -> None:
    """The authenticator code, counted per account with every other TOTP try (login, step-up):
    a locked factor is refused unchecked (the code stays unused, the request stays pending)."""
    customer = v.customer
    result = lockout.attempt(customer, lockout.Factor.TOTP,
                             lambda: mfa.verify_totp(customer, code), ip=ip,
                             event="second_factor_failed", during="support_verification")
    if result.outcome is lockout.Outcome.LOCKED:
        raise TooManyAttempts(retry_after=result.retry_after or 60)
    if not result.ok:
        _count_try(v)
        raise VerificationCodeWrong()
    lockout.succeeded(customer, lockout.Factor.TOTP)  # as after a step-up


def _count_try(v: Verification) -> None:
    Verification.objects.filter(pk=v.pk).update(attempts=F("attempts") + 1)
    Verification.objects.filter(pk=v.pk, attempts__gte=MAX_TRIES,
                                status=Verification.Status.PENDING).update(
        status=Verification.Status.CANCELLED)


def latest(conv: Conversation) -> Verification | None:
    return Verification.objects.filter(conversation=conv).select_related("conversation").first()


def valid_for(conv: Conversation) -> Verification | None:
    """The confirmed, unexpired verification of the conversation's current customer."""
    v = (Verification.objects.filter(conversation=conv, status=Verification.Status.CONFIRMED,
                                     expires_at__gt=clock.now(), customer_id=conv.customer_id)
         .order_by("-confirmed_at", "-pk").first())
    return v if v is not None and conv.customer_id is not None else None


def as_dict(v: Verification | None) -> dict[str, Any] | None:
    if v is None:
        return None
    now = clock.now()
    live = v.expires_at > now and v.status in (Verification.Status.PENDING,
                                                Verification.Status.CONFIRMED)
    return {"id": v.pk, "status": v.status if live or v.status == Verification.Status.CANCELLED
            else "expired", "method": v.method, "expires_at": v.expires_at.isoformat(),
            "seconds_left": max(0, int((v.expires_at - now).total_seconds())) if live else 0,
            "confirmed_at": v.confirmed_at.isoformat() if v.confirmed_at else None}
