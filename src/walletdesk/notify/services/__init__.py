"""Notifications: render in the recipient's language (``messages.render``, the one renderer),
deliver after the transaction commits.

Every email and SMS starts with the recipient's anti-phishing phrase. Bodies are never stored
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
from nacl.secret import SecretBox

from walletdesk.core.services import jobs

from .. import messages
from ..limits import may_send
from ..messages import Message, Recipient
from ..models import Delivery, OutboxMessage
from ..providers import SmsDeliveryFailed, sms_provider
from . import inbox

log = logging.getLogger(__name__)

# The kinds this app sends for accounts, risk and troubleshoot (``<app>/<kind>``: the message's
# template, see messages.py); the delivery log records the short kind.
KINDS = {
    "signup_code": "notify/signup_code",
    "signup_exists": "notify/signup_exists",
    "reset_code": "notify/reset_code",
    "unlock_code": "notify/unlock_code",
    "login_code": "notify/login_code",
    "password_changed": "notify/password_changed",
    "account_locked": "notify/account_locked",
    "factor_locked": "notify/factor_locked",
    "account_on_hold": "notify/account_on_hold",
    "account_unlocked": "notify/account_unlocked",
    "new_device": "notify/new_device",
    "mfa_changed": "notify/mfa_changed",
    "signed_out_everywhere": "notify/signed_out_everywhere",
    "account_frozen": "notify/account_frozen",
    "card_removed": "notify/card_removed",
    "risk_hold": "notify/risk_hold",
    "review_approved": "notify/review_approved",
    "review_rejected": "notify/review_rejected",
    "device_signed_out": "notify/device_signed_out",
    "troubleshoot_lock": "troubleshoot/lock_help",
}


@dataclass(frozen=True)
class Rendered:
    """One message for one address, as the delivery job receives it (sealed)."""

    kind: str
    channel: str
    to: str
    subject: str
    body: str
    user_id: int | None


def channel_of(address: str) -> str:
    return "email" if "@" in address else "sms"


def for_address(message: Message, address: str, *, kind: str,
                user_id: int | None = None) -> Rendered:
    channel = channel_of(address)
    return Rendered(kind, channel, address, message.subject, message.body_for(channel), user_id)


def render(kind: str, address: str, *, language: str, phrase: str, context: dict[str, Any],
           user_id: int | None = None, time_zone: str | None = None) -> Rendered:
    """One of this app's kinds for one address (``messages.render`` does the rendering)."""
    message = messages.render(KINDS[kind], Recipient(language, time_zone, phrase), context)
    return for_address(message, address, kind=kind, user_id=user_id)


def queue(message: Message, address: str, *, kind: str, user_id: int | None = None) -> None:
    """Deliver a rendered message to one address after the transaction commits, in a job (off
    the request path). The job's arguments are sealed: the body may hold a code."""
    jobs.enqueue("notify.deliver", sealed=seal(for_address(message, address, kind=kind,
                                                           user_id=user_id)))


def send_message(kind: str, address: str, *, user: Any = None, language: str | None = None,
                 log_kind: str | None = None, **context: Any) -> Message | None:
    """Render message ``kind`` ("<app>/<kind>") for ``user`` and send it to one address once
    the current transaction commits (at most the hourly cap per address: beyond it, nothing
    is sent and nothing is said). Returns the message, or None when the cap held it back."""
    if not may_send(address):
        return None
    message = messages.render(kind, Recipient.of(user, language=language), context)
    queue(message, address, kind=log_kind or kind.partition("/")[2],
          user_id=user.pk if user is not None else None)
    return message


def send_to(kind: str, address: str, *, user: Any = None, language: str | None = None,
            **context: Any) -> None:
    """Send one of this app's kinds to one address (see ``send_message``)."""
    send_message(KINDS[kind], address, user=user, language=language, log_kind=kind, **context)


def _box() -> SecretBox:
    return SecretBox(hashlib.sha256(f"{settings.SECRET_KEY}:notify".encode()).digest())


def seal(msg: Rendered) -> str:
    return bytes(_box().encrypt(json.dumps(asdict(msg)).encode())).hex()


def unseal(sealed: str) -> Rendered:
    return Rendered(**json.loads(_box().decrypt(bytes.fromhex(sealed))))


class DeliveryFailed(Exception):
    """No channel took the message this time (``deliver`` has logged why); the job retries."""


@jobs.task("notify.deliver", retry_on=(DeliveryFailed,))
def deliver_job(sealed: str) -> None:
    if not deliver(unseal(sealed)):
        raise DeliveryFailed("will retry")


def tell_owner(user: Any, kind: str, *, addresses: Iterable[str] | None = None,
               **context: Any) -> None:
    """Send a notice to every address on file (or to the ones given); security alerts also
    go to the in-app notification centre (and Web Push, for those who opted in)."""
    message = messages.render(KINDS[kind], Recipient.of(user), context)  # once for every channel
    for address in addresses if addresses is not None else addresses_of(user):
        if may_send(address):
            queue(message, address, kind=kind, user_id=user.pk)
    inbox.security_alert(user, kind, message)


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
        if settings.DEV_OUTBOX and msg.channel == "email":  # `make run`: no SMTP server is usual
            log.info("%s email kept in the development outbox only (%s:%s: %s)", msg.kind,
                     settings.EMAIL_HOST, settings.EMAIL_PORT, error)
        else:
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
