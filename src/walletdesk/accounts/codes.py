"""One-time numeric codes: 6 digits, single use, keyed hash only, 5 tries, 3 sends an hour."""

from __future__ import annotations

import hmac
import re
import secrets
from datetime import timedelta

from django.conf import settings
from django.db.models import F

from walletdesk.core import clock

from .errors import InvalidCode
from .models import OneTimeCode, User, keyed_digest

CODE_FORMAT = re.compile(r"^\d{6,8}$")


def _hash(user_id: int, purpose: str, raw: str) -> str:
    return keyed_digest("code", f"{user_id}:{purpose}:{raw}")


def ttl_minutes(channel: str) -> int:
    cfg = settings.SECURITY
    return cfg["CODE_TTL_EMAIL_MINUTES"] if channel == "email" else cfg["CODE_TTL_SMS_MINUTES"]


def can_send(user: User, purpose: str) -> bool:
    since = clock.now() - timedelta(hours=1)
    sent = OneTimeCode.objects.filter(user=user, purpose=purpose, created_at__gt=since).count()
    return sent < settings.SECURITY["CODE_SENDS_PER_HOUR"]


def issue(user: User, purpose: str, channel: str) -> str | None:
    """A new code (older ones of the same purpose stop working), or None past the send limit."""
    if not can_send(user, purpose):
        return None
    digits = settings.SECURITY["CODE_DIGITS"]
    raw = f"{secrets.randbelow(10 ** digits):0{digits}d}"
    now = clock.now()
    OneTimeCode.objects.filter(user=user, purpose=purpose, used_at__isnull=True,
                               expires_at__gt=now).update(expires_at=now)
    OneTimeCode.objects.create(user=user, purpose=purpose, channel=channel,
                               code_hash=_hash(user.pk, purpose, raw), created_at=now,
                               expires_at=now + timedelta(minutes=ttl_minutes(channel)))
    return raw


def check_format(raw: object) -> str:
    if not isinstance(raw, str) or not CODE_FORMAT.match(raw.strip()):
        raise InvalidCode()
    return raw.strip()


def consume(user: User | None, purpose: str, raw: object) -> None:
    """Use the live code once, or raise InvalidCode (a wrong guess costs one of 5 tries)."""
    raw = check_format(raw)
    now = clock.now()
    if user is None:
        _hash(0, purpose, raw)  # the same work for an unknown login
        raise InvalidCode()
    code = (OneTimeCode.objects.filter(user=user, purpose=purpose, used_at__isnull=True,
                                       expires_at__gt=now)
            .order_by("-created_at", "-pk").first())
    limit = settings.SECURITY["CODE_MAX_ATTEMPTS"]
    if code is None or code.attempts >= limit:
        _hash(user.pk, purpose, raw)
        raise InvalidCode()
    if not hmac.compare_digest(code.code_hash, _hash(user.pk, purpose, raw)):
        OneTimeCode.objects.filter(pk=code.pk, attempts__lt=limit).update(
            attempts=F("attempts") + 1)
        raise InvalidCode()
    # Guarded: of many parallel submissions of the right code, exactly one wins.
    if not OneTimeCode.objects.filter(pk=code.pk, used_at__isnull=True,
                                      attempts__lt=limit).update(used_at=now):
        raise InvalidCode()
