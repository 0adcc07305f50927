"""Failed logins per account across IP addresses, and per IP address.

5 failures -> 1 minute, 10 -> 5 minutes, 15 -> 15 minutes; 20 within 12 hours ->
security hold until unlocked. Counters live in the database, so every process agrees.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F

from walletdesk.core import clock

from .models import AccountHold, LoginGuard, RateCounter, User


def _guard(user: User) -> LoginGuard:
    guard = LoginGuard.objects.filter(user=user).first()
    if guard is None:
        try:
            with transaction.atomic():
                guard = LoginGuard.objects.create(user=user)
        except IntegrityError:
            guard = LoginGuard.objects.get(user=user)
    return guard


def is_locked(user: User) -> bool:
    guard = LoginGuard.objects.filter(user=user).only("locked_until").first()
    return bool(guard and guard.locked_until and guard.locked_until > clock.now())


def register_failure(user: User) -> tuple[int, int | None]:
    """Count one failure; returns (failures, seconds locked, or None; -1 = security hold)."""
    cfg = settings.SECURITY
    now = clock.now()
    guard = _guard(user)
    with transaction.atomic():
        LoginGuard.objects.filter(
            pk=guard.pk, window_started_at__lte=now - timedelta(hours=cfg["LOCKOUT_WINDOW_HOURS"])
        ).update(failures=0, window_started_at=now, locked_until=None)
        LoginGuard.objects.filter(pk=guard.pk).update(failures=F("failures") + 1)
        failures = LoginGuard.objects.values_list("failures", flat=True).get(pk=guard.pk)
        if failures >= cfg["LOCKOUT_HOLD_FAILURES"]:
            from . import holds

            if not holds.active(user).filter(kind=AccountHold.Kind.SECURITY).exists():
                holds.place(user, AccountHold.Kind.SECURITY, "too many wrong passwords")
                return failures, -1
            return failures, None
        seconds = dict(cfg["LOCKOUT_TIERS"]).get(failures)
        if seconds:
            LoginGuard.objects.filter(pk=guard.pk).update(
                locked_until=now + timedelta(seconds=seconds))
    return failures, seconds


def register_success(user: User) -> None:
    LoginGuard.objects.filter(user=user).exclude(failures=0, locked_until=None).update(
        failures=0, locked_until=None, window_started_at=clock.now())


def reset(user: User) -> None:
    register_success(user)


def _ip_window() -> datetime:
    ts = clock.now()
    return ts.replace(minute=(ts.minute // 15) * 15, second=0, microsecond=0)


def ip_blocked(ip: str | None) -> bool:
    if not ip:
        return False
    row = RateCounter.objects.filter(key=f"login-ip:{ip}", window_start=_ip_window()).first()
    return bool(row and row.count >= settings.SECURITY["IP_FAILURES_PER_15_MIN"])


def note_ip_failure(ip: str | None) -> None:
    if not ip:
        return
    key, start = f"login-ip:{ip}", _ip_window()
    if not RateCounter.objects.filter(key=key, window_start=start).update(count=F("count") + 1):
        try:
            with transaction.atomic():
                RateCounter.objects.create(key=key, window_start=start, count=1)
        except IntegrityError:
            RateCounter.objects.filter(key=key, window_start=start).update(count=F("count") + 1)
