"""Failed tries per account, per secret, across IP addresses; and failed logins per IP.

Every secret a person types has its own count: the password (`LoginGuard`), and in
`FactorGuard` the authenticator code, recovery codes, passkey assertions and codes sent by
message. Each count has the same tiers: 5 failures -> 1 minute, 10 -> 5 minutes,
15 -> 15 minutes; 20 within 12 hours -> security hold until unlocked. A right secret clears
only its own count, and only once the whole login (second factor included) succeeded.

A try is checked and counted in one transaction under the guard's row lock
(`locks.guard`), and the lock state is read after taking it: a parallel burst gets exactly
the tier's number of checks, the rest are refused unchecked. The owner is told once per
episode (from the first lock until the count starts again). Counters live in the database,
so every process agrees (ADR 0093).
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F

from walletdesk.core import clock

from .. import conf, locks
from ..models import AccountHold, FactorGuard, LoginGuard, RateCounter, User
from . import events

PASSWORD = locks.PASSWORD
Factor = FactorGuard.Factor
ALL_FACTORS = (PASSWORD, *Factor.values)


class Outcome(enum.Enum):
    OK = "ok"
    WRONG = "wrong"
    LOCKED = "locked"  # refused without checking the secret


@dataclass(frozen=True)
class Try:
    outcome: Outcome
    failures: int = 0
    retry_after: int = 0  # seconds until the factor may be tried again (when locked)

    @property
    def ok(self) -> bool:
        return self.outcome is Outcome.OK


def attempt(user: User, factor: str, check: Callable[[], bool], *, ip: str | None = None,
            event: str = "", blocked: Callable[[], bool] | None = None,
            **event_data: Any) -> Try:
    """Check one secret under the factor's row lock; count it when wrong.

    `check` runs only when the factor is not locked (and `blocked` says nothing blocks the
    account). A wrong answer records `event` (with the running count) in the same
    transaction. A right answer changes no count: call `succeeded` when the whole step is done.
    """
    with transaction.atomic():
        guard = locks.guard(user, factor)
        now = clock.now()
        _new_window_if_due(guard, now)
        if guard.locked_until and guard.locked_until > now:
            return Try(Outcome.LOCKED, guard.failures,
                       int((guard.locked_until - now).total_seconds()) + 1)
        if blocked is not None and blocked():
            return Try(Outcome.LOCKED, guard.failures)
        if check():
            return Try(Outcome.OK, guard.failures)
        if not user.is_active:
            return Try(Outcome.WRONG, guard.failures)
        failures = _count_failure(user, factor, guard, now, ip, tell=True)
        if event:
            events.record(event, user, ip=ip, failures=failures, factor=factor, **event_data)
        return Try(Outcome.WRONG, failures)


def _new_window_if_due(guard: LoginGuard | FactorGuard, now: datetime) -> None:
    window = timedelta(hours=conf.get().lockout_window_hours)
    if guard.window_started_at <= now - window and (guard.failures or guard.locked_until):
        guard.failures, guard.window_started_at = 0, now
        guard.locked_until = guard.notified_at = None
        guard.save(update_fields=["failures", "window_started_at", "locked_until",
                                  "notified_at"])


def _count_failure(user: User, factor: str, guard: LoginGuard | FactorGuard, now: datetime,
                   ip: str | None, *, tell: bool) -> int:
    from walletdesk.notify import services as notify

    from . import holds

    cfg = conf.get()
    quiet = not tell
    guard.failures += 1  # the row is locked: a plain update cannot lose a count
    seconds: int = dict(cfg.lockout_tiers).get(guard.failures) or 0
    if seconds:
        guard.locked_until = now + timedelta(seconds=seconds)
    tell = tell and bool(seconds) and guard.notified_at is None
    if tell:
        guard.notified_at = now
    guard.save(update_fields=["failures", "locked_until", "notified_at"])
    if guard.failures >= cfg.lockout_hold_failures:
        if not holds.active(user).filter(kind=AccountHold.Kind.SECURITY).exists():
            reason = ("too many wrong passwords" if factor == PASSWORD
                      else f"too many wrong tries ({factor})")
            holds.place(user, AccountHold.Kind.SECURITY, reason)
            events.record("security_hold", user, ip=ip, reason=reason, factor=factor)
            if not quiet:
                notify.tell_owner(user, "account_on_hold")
        return guard.failures
    if seconds:
        events.record("login_locked", user, ip=ip, seconds=seconds, factor=factor)
    if tell and factor == PASSWORD:
        notify.tell_owner(user, "account_locked", failures=guard.failures,
                          minutes=max(seconds // 60, 1))
    elif tell:
        notify.tell_owner(user, "factor_locked", failures=guard.failures,
                          factor=str(Factor(factor).label), minutes=max(seconds // 60, 1))
    return guard.failures


def succeeded(user: User, *factors: str) -> None:
    """A whole step succeeded with these secrets: their counts start again (no other)."""
    for factor in factors:
        model = LoginGuard.objects if factor == PASSWORD else FactorGuard.objects.filter(
            factor=factor)
        model.filter(user=user).exclude(failures=0, locked_until=None).update(
            failures=0, locked_until=None, notified_at=None, window_started_at=clock.now())


def is_locked(user: User) -> bool:
    """Whether any of the user's secrets is in a tier's wait."""
    now = clock.now()
    return (LoginGuard.objects.filter(user=user, locked_until__gt=now).exists()
            or FactorGuard.objects.filter(user=user, locked_until__gt=now).exists())


def register_failure(user: User) -> tuple[int, int | None]:
    """Count one wrong password, even during a wait, without telling anyone (the
    troubleshooter's tests use it); returns (failures, seconds locked or None)."""
    with transaction.atomic():
        guard = locks.guard(user, PASSWORD)
        now = clock.now()
        _new_window_if_due(guard, now)
        failures = _count_failure(user, PASSWORD, guard, now, None, tell=False)
        left = (guard.locked_until - now).total_seconds() if guard.locked_until else 0
    return failures, int(left) if left > 0 else None


def reset(user: User) -> None:
    """Unlock and reset: every count starts again."""
    succeeded(user, *ALL_FACTORS)


def _ip_window() -> datetime:
    ts = clock.now()
    return ts.replace(minute=(ts.minute // 15) * 15, second=0, microsecond=0)


def ip_blocked(ip: str | None) -> bool:
    if not ip:
        return False
    row = RateCounter.objects.filter(key=f"login-ip:{ip}", window_start=_ip_window()).first()
    return bool(row and row.count >= conf.get().ip_failures_per_15_min)


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
