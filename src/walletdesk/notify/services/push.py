"""Web Push with VAPID: subscriptions, per-kind opt-in, and the ``notify.push`` job.

The payload is encrypted for the browser (RFC 8291, aes128gcm), so the push service only
sees ciphertext. It carries the notification's title and body in the user's language,
the anti-phishing phrase, the link and the local time; never a balance or a code
(ADR 0095). Subscriptions answered 404/410 by their push service are removed.
"""

from __future__ import annotations

import base64
import ipaddress
import json
import logging
import os
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from py_vapid import Vapid
from pywebpush import WebPushException, webpush

from walletdesk.core import clock
from walletdesk.core.errors import DomainError
from walletdesk.core.services import jobs

from .. import conf, messages
from ..localtime import format_local
from ..models import Kind, Notification, PushOptIn, PushSubscription

log = logging.getLogger(__name__)

# The push services of the browsers we support (host or ".suffix").
PUSH_HOSTS = ("fcm.googleapis.com", "updates.push.services.mozilla.com", ".notify.windows.com",
              ".push.apple.com")
MAX_SUBSCRIPTIONS = 10


class BadSubscription(DomainError):
    code = "invalid_push_subscription"
    default_message = _("This browser's push subscription cannot be used.")


class UnknownKind(DomainError):
    code = "invalid_notification_kind"
    default_message = _("Unknown kind of notification.")


# --- VAPID keys ------------------------------------------------------------------------

@cache
def vapid() -> Vapid:
    """The server's VAPID key: from settings, else (development only) a key pair generated
    once into the var directory and kept there."""
    pem = conf.get().vapid_private_key
    if pem:
        return Vapid.from_pem(pem.replace("\\n", "\n").encode())
    if settings.PRODUCTION:
        raise ImproperlyConfigured("WALLETDESK_VAPID_PRIVATE_KEY must be set in production")
    path = Path(settings.VAR_DIR) / "vapid_private.pem"
    if not path.exists():
        key = ec.generate_private_key(ec.SECP256R1())
        data = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                 serialization.NoEncryption())
        try:  # O_EXCL: two processes starting together keep the first key
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
    return Vapid.from_file(str(path))


def public_key() -> str:
    """The application server key for ``pushManager.subscribe`` (base64url, no padding)."""
    raw = vapid().public_key.public_bytes(serialization.Encoding.X962,
                                          serialization.PublicFormat.UncompressedPoint)
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


# --- subscriptions and opt-in ------------------------------------------------------------

def endpoint_allowed(endpoint: str) -> bool:
    """Only the browsers' push services; loopback only where settings allow (tests, dev)."""
    try:
        parts = urlsplit(endpoint)
        host = (parts.hostname or "").lower()
        port = parts.port
    except ValueError:
        return False
    if parts.username or parts.password or (port is not None and not 0 < port < 65536):
        return False
    if conf.get().push_allow_loopback and parts.scheme in ("http", "https"):
        try:
            if ipaddress.ip_address(host).is_loopback:
                return True
        except ValueError:
            pass
    if parts.scheme != "https" or port not in (None, 443):
        return False
    return any(host == h or (h.startswith(".") and host.endswith(h)) for h in PUSH_HOSTS)


def _b64_len(value: object, size: int) -> str:
    if not isinstance(value, str) or len(value) > 200:
        raise BadSubscription()
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except ValueError as exc:
        raise BadSubscription() from exc
    if len(raw) != size:
        raise BadSubscription()
    return value.rstrip("=")


def subscribe(user: Any, endpoint: object, p256dh: object, auth: object,
              device: str = "") -> PushSubscription:
    if not isinstance(endpoint, str) or len(endpoint) > 1000 or not endpoint_allowed(endpoint):
        raise BadSubscription()
    key, secret = _b64_len(p256dh, 65), _b64_len(auth, 16)
    with transaction.atomic():
        if (PushSubscription.objects.filter(user=user).exclude(endpoint=endpoint).count()
                >= MAX_SUBSCRIPTIONS):
            raise BadSubscription(_("Too many devices receive notifications: turn one off first."),
                                  code="too_many_push_subscriptions")
        PushSubscription.objects.filter(endpoint=endpoint).exclude(user=user).delete()
        sub, _created = PushSubscription.objects.update_or_create(
            endpoint=endpoint, defaults={"user": user, "p256dh": key, "auth": secret,
                                         "device": device[:120]})
    return sub


def unsubscribe(user: Any, endpoint: object) -> int:
    if not isinstance(endpoint, str):
        raise BadSubscription()
    return PushSubscription.objects.filter(user=user, endpoint=endpoint).delete()[0]


def set_kinds(user: Any, kinds: object) -> list[str]:
    """Replace the kinds pushed to this user's devices."""
    if not isinstance(kinds, list) or any(k not in Kind.values for k in kinds):
        raise UnknownKind()
    wanted = sorted(set(kinds))
    with transaction.atomic():
        PushOptIn.objects.filter(user=user).exclude(kind__in=wanted).delete()
        for kind in wanted:
            PushOptIn.objects.get_or_create(user=user, kind=kind)
    return wanted


def kinds_of(user: Any) -> list[str]:
    return sorted(PushOptIn.objects.filter(user=user).values_list("kind", flat=True))


# --- sending -------------------------------------------------------------------------------

def payload(note: Notification) -> dict[str, Any]:
    user = note.user
    # The same phrase header as on every email and SMS (notify.messages, ADR 0113).
    head = messages.phrase_line(user.anti_phishing_phrase or "", user.language or "zh-hans")
    return {"title": note.title, "body": f"{head} {note.body}".strip(), "url": note.link or "/",
            "tag": f"wd-{note.kind}-{note.pk}", "kind": note.kind,
            "time": format_local(note.created_at, user.time_zone)}


@jobs.task("notify.push")
def push_job(notification_id: int) -> None:
    note = Notification.objects.select_related("user").filter(pk=notification_id).first()
    if note is None or not PushOptIn.objects.filter(user=note.user, kind=note.kind).exists():
        return  # gone, or the user opted out since
    for sub_id in PushSubscription.objects.filter(user=note.user).values_list("pk", flat=True):
        # One job per device: a retry for one never repeats the push to the others.
        jobs.enqueue("notify.push_one", notification_id=note.pk, subscription_id=sub_id)


@jobs.task("notify.push_one")
def push_one_job(notification_id: int, subscription_id: int) -> None:
    note = Notification.objects.select_related("user").filter(pk=notification_id).first()
    sub = PushSubscription.objects.filter(pk=subscription_id).first()
    if note is not None and sub is not None:
        send(sub, json.dumps(payload(note), ensure_ascii=False))


def send(sub: PushSubscription, data: str) -> bool:
    """One encrypted push; a subscription the service no longer knows is removed."""
    if not endpoint_allowed(sub.endpoint):
        sub.delete()
        return False
    info = {"endpoint": sub.endpoint, "keys": {"p256dh": sub.p256dh, "auth": sub.auth}}
    try:
        webpush(info, data, vapid_private_key=vapid(),
                vapid_claims={"sub": conf.get().vapid_subject},
                ttl=conf.get().push_ttl_seconds, timeout=10)
    except WebPushException as exc:
        status = getattr(exc.response, "status_code", None)
        if status in (404, 410):
            PushSubscription.objects.filter(pk=sub.pk).delete()
            return False
        log.warning("push to %s failed: %s", urlsplit(sub.endpoint).hostname, status)
        raise  # the job system retries
    PushSubscription.objects.filter(pk=sub.pk).update(last_sent_at=clock.now())
    return True
