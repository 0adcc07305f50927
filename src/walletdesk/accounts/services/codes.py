"""One-time numeric codes: 6 digits, single use, keyed hash only, 5 tries, 3 sends an hour."""

from __future__ import annotations

import hmac
import re
import secrets
import unicodedata
from datetime import timedelta

from django.db import transaction
from django.db.models import F

from walletdesk.core import clock

from .. import conf, locks
from ..errors import InvalidCode
from ..models import OneTimeCode, User, keyed_digest

CODE_FORMAT = re.compile(r"^[0-9]{6,8}$")


def _hash(user_id: int, purpose: str, raw: str) -> str:
    return keyed_digest("code", f"{user_id}:{purpose}:{raw}")


def ttl_minutes(channel: str) -> int:
    cfg = conf.get()
    return cfg.code_ttl_email_minutes if channel == "email" else cfg.code_ttl_sms_minutes


def can_send(user: User, purpose: str) -> bool:
    since = clock.now() - timedelta(hours=1)
    sent = OneTimeCode.objects.filter(user=user, purpose=purpose, created_at__gt=since).count()
    return sent < conf.get().code_sends_per_hour


def issue(user: User, purpose: str, channel: str) -> str | None:
    """A new code (older ones of the same purpose stop working), or None past the send limit."""
    with transaction.atomic():
        # One sender at a time per user, so concurrent requests cannot both pass the
        # count below (SQLite: the IMMEDIATE transaction already serializes writers).
        locks.user_row(user.pk)
        if not can_send(user, purpose):
            return None
        digits = conf.get().code_digits
        raw = f"{secrets.randbelow(10 ** digits):0{digits}d}"
        now = clock.now()
        OneTimeCode.objects.filter(user=user, purpose=purpose, used_at__isnull=True,
                                   expires_at__gt=now).update(expires_at=now)
        OneTimeCode.objects.create(user=user, purpose=purpose, channel=channel,
                                   code_hash=_hash(user.pk, purpose, raw), created_at=now,
                                   expires_at=now + timedelta(minutes=ttl_minutes(channel)))
    return raw


def check_format(raw: object) -> str:
    """Six to eight ASCII digits after NFKC (full-width digits from an IME are fine)."""
    if not isinstance(raw, str) or len(raw) > 40:
        raise InvalidCode()
    value = unicodedata.normalize("NFKC", raw).strip()
    if not CODE_FORMAT.match(value):
        raise InvalidCode()
    return value


def check(user: User | None, purpose: str, raw: object) -> int:
    """The id of the live code that matches, or InvalidCode. A wrong guess costs one of the
    5 tries (written at once: call this outside a transaction that may roll back)."""
    raw = check_format(raw)
    now = clock.now()
    if user is None:
        _hash(0, purpose, raw)  # the same work for an unknown login
        raise InvalidCode()
    code = (OneTimeCode.objects.filter(user=user, purpose=purpose, used_at__isnull=True,
                                       expires_at__gt=now)
            .order_by("-created_at", "-pk").first())
    if code is None or code.attempts >= conf.get().code_max_attempts:
        _hash(user.pk, purpose, raw)
        raise InvalidCode()
    if not hmac.compare_digest(code.code_hash, _hash(user.pk, purpose, raw)):
        count_try(code.pk)
        raise InvalidCode()
    return code.pk


def count_try(code_id: int) -> None:
    OneTimeCode.objects.filter(pk=code_id, attempts__lt=conf.get().code_max_attempts
                               ).update(attempts=F("attempts") + 1)


def mark_used(code_id: int) -> None:
    """Guarded: of many parallel submissions of the right code, exactly one wins."""
    if not OneTimeCode.objects.filter(
            pk=code_id, used_at__isnull=True, expires_at__gt=clock.now(),
            attempts__lt=conf.get().code_max_attempts).update(used_at=clock.now()):
        raise InvalidCode()


def consume(user: User | None, purpose: str, raw: object) -> None:
    """Use the live code once, or raise InvalidCode."""
    mark_used(check(user, purpose, raw))
