"""Notifications: render in the recipient's language, deliver after the transaction commits.

Every message starts with the recipient's anti-phishing phrase. Bodies are never stored
(they may carry a code), except in the development outbox.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from nacl.secret import SecretBox

from walletdesk.core.services import jobs

from . import inbox
from .localtime import local_values
from .models import Delivery, OutboxMessage
from .providers import SmsDeliveryFailed, sms_provider

log = logging.getLogger(__name__)

SUBJECTS = {
    "signup_code": _("Your walletdesk sign-up code"),
    "signup_exists": _("Someone tried to sign up with your address"),
    "reset_code": _("Your walletdesk password reset code"),
    "unlock_code": _("Your walletdesk unlock code"),
    "login_code": _("Your walletdesk login code"),
    "password_changed": _("Your walletdesk password was changed"),
    "account_locked": _("Too many wrong passwords on your walletdesk account"),
    "factor_locked": _("Wrong verification codes on your walletdesk account"),
    "account_on_hold": _("Your walletdesk account is on security hold"),
    "account_unlocked": _("Your walletdesk account was unlocked"),
    "new_device": _("New login to walletdesk: was this you?"),
    "mfa_changed": _("Your two-step verification settings changed"),
    "signed_out_everywhere": _("You were signed out everywhere"),
    "account_frozen": _("Your walletdesk account is frozen"),
    "risk_hold": _("A payment was held for review"),
    "review_approved": _("Your held payment was approved"),
    "review_rejected": _("Your held payment was not approved"),
    "device_signed_out": _("A device was signed out of your walletdesk account"),
    "troubleshoot_lock": _("Why you cannot sign in to walletdesk, and what to do"),
}


@dataclass(frozen=True)
class Rendered:
    kind: str
    channel: str
    to: str
    subject: str
    body: str
    user_id: int | None


def channel_of(address: str) -> str:
    return "email" if "@" in address else "sms"


def render(kind: str, address: str, *, language: str, phrase: str, context: dict[str, Any],
           user_id: int | None = None, time_zone: str | None = None) -> Rendered:
    channel = channel_of(address)
    context = local_values(context, time_zone)  # times in the recipient's zone, not UTC
    # Plain text: no HTML escaping (mark_safe only stops the escaping of &, < and quotes).
    context = {k: mark_safe(v) if isinstance(v, str) else v for k, v in context.items()}  # noqa: S308
    phrase = mark_safe(phrase)  # noqa: S308
    with translation.override(language):
        subject = str(SUBJECTS[kind])
        body = render_to_string(f"notify/messages/{kind}.txt",
                                {**context, "phrase": phrase, "channel": channel}).strip()
        head = render_to_string("notify/messages/_phrase.txt", {"phrase": phrase}).strip()
        text = f"{head}\n\n{body}\n" if channel == "email" else f"{head} {' '.join(body.split())}"
    return Rendered(kind, channel, address, subject, text, user_id)


def send_to(kind: str, address: str, *, user: Any = None, language: str | None = None,
            **context: Any) -> None:
    """Send one message to one address once the current transaction commits (at most the
    hourly cap per address: beyond it, nothing is sent and nothing is said)."""
    from .limits import may_send

    if not may_send(address):
        return
    lang = language or (user.language if user is not None else settings.LANGUAGE_CODE)
    phrase = user.anti_phishing_phrase if user is not None else ""
    msg = render(kind, address, language=lang, phrase=phrase, context=context,
                 user_id=user.pk if user is not None else None,
                 time_zone=getattr(user, "time_zone", None))
    # A job (after commit, off the request path: the answer takes as long whether or not a
    # message goes out). Its arguments are sealed: the body may hold a code.
    jobs.enqueue("notify.deliver", sealed=seal(msg))


def _box() -> SecretBox:
    return SecretBox(hashlib.sha256(f"{settings.SECRET_KEY}:notify".encode()).digest())


def seal(msg: Rendered) -> str:
    return bytes(_box().encrypt(json.dumps(asdict(msg)).encode())).hex()


def unseal(sealed: str) -> Rendered:
    return Rendered(**json.loads(_box().decrypt(bytes.fromhex(sealed))))


@jobs.task("notify.deliver")
def deliver_job(sealed: str) -> None:
    if not deliver(unseal(sealed)):
        raise DeliveryFailed("will retry")


class DeliveryFailed(Exception):
    pass


def tell_owner(user: Any, kind: str, *, addresses: Iterable[str] | None = None,
               **context: Any) -> None:
    """Send a notice to every address on file (or to the ones given); security alerts also
    go to the in-app notification centre (and Web Push, for those who opted in)."""
    for address in addresses if addresses is not None else addresses_of(user):
        send_to(kind, address, user=user, **context)
    inbox.security_alert(user, kind, SUBJECTS[kind], context)


def addresses_of(user: Any) -> list[str]:
    return [a for a in (user.email, user.phone) if a]


def deliver(msg: Rendered) -> bool:
    """Hand one rendered message to its channel; failures are recorded, never raised."""
    error = ""
    try:
        if msg.channel == "email":
            if settings.DEV_OUTBOX:
                keep_copy("email", msg.to, msg.body, subject=msg.subject)
            EmailMessage(msg.subject, msg.body, settings.DEFAULT_FROM_EMAIL, [msg.to]).send()
        else:
            sms_provider().send(msg.to, msg.body)
    except (OSError, SmsDeliveryFailed) as exc:
        error = f"{type(exc).__name__}: {exc}"[:300]
        log.warning("could not deliver %s by %s: %s", msg.kind, msg.channel, error)
    Delivery.objects.create(user_id=msg.user_id, kind=msg.kind, channel=msg.channel, to=msg.to,
                            status=Delivery.Status.FAILED if error else Delivery.Status.SENT,
                            error=error)
    # In development the outbox already holds the email: no retries against a missing SMTP server.
    return not error or (settings.DEV_OUTBOX and msg.channel == "email")


def keep_copy(channel: str, to: str, body: str, *, subject: str = "") -> None:
    """A copy of an email or SMS in the development outbox (callers check DEV_OUTBOX)."""
    OutboxMessage.objects.create(channel=channel, to=to, subject=subject, body=body)


def outbox_for(address: str, limit: int = 50) -> list[OutboxMessage]:
    address = "".join(ch for ch in (address or "") if ch.isprintable()).strip()[:254]
    if "@" in address:
        local, _sep, domain = address.rpartition("@")
        address = f"{local}@{domain.lower()}"
    qs = OutboxMessage.objects.all() if not address else OutboxMessage.objects.filter(
        to__iexact=address)
    return list(qs.order_by("-created_at", "-pk")[:limit])
