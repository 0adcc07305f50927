"""Why the account is locked, and the one path that works now.

Reads the login guard (tiered lockout), the active account holds (security hold,
freeze, risk hold, the cool-down after a password reset), the second factor and
how many unlock codes may still be sent this hour.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from walletdesk.accounts import conf as accounts_conf
from walletdesk.accounts.models import AccountHold, LoginGuard, OneTimeCode, User
from walletdesk.accounts.services import holds, mfa
from walletdesk.core import clock

from ..findings import Diagnosis, Finding, minutes_until

Kind = AccountHold.Kind
# The holds that the owner's own unlock code ends (accounts.services.unlock_account).
SELF_SERVICE = (Kind.SECURITY, Kind.FROZEN, Kind.RISK)
HOLD_TRAVEL = "impossible travel"


def tier_of(failures: int) -> int:
    """1, 2 or 3: which step of the lockout ladder this many failures reached."""
    tiers = [count for count, _seconds in accounts_conf.get().lockout_tiers]
    return sum(1 for count in tiers if failures >= count)


def _hold_finding(hold: AccountHold) -> Finding:
    if hold.kind == Kind.SECURITY:
        if hold.reason == HOLD_TRAVEL:
            return Finding("lock.security_hold_travel", {"since": hold.created_at})
        return Finding("lock.security_hold", {
            "since": hold.created_at, "limit": accounts_conf.get().lockout_hold_failures,
            "hours": accounts_conf.get().lockout_window_hours})
    if hold.kind == Kind.FROZEN:
        return Finding("lock.frozen", {"since": hold.created_at})
    if hold.kind == Kind.RISK:
        return Finding("lock.risk_hold", {"since": hold.created_at})
    return Finding("lock.after_reset", {"until": hold.until, "since": hold.created_at})


def _next_code_at(user: User, now: datetime) -> datetime | None:
    """None when an unlock code can be sent now; else when the hourly budget frees one."""
    since = now - timedelta(hours=1)
    sent: list[datetime] = list(OneTimeCode.objects.filter(user=user, purpose=OneTimeCode.Purpose.UNLOCK,
                                           created_at__gt=since)
                .order_by("-created_at").values_list("created_at", flat=True))
    budget = accounts_conf.get().code_sends_per_hour
    if len(sent) < budget:
        return None
    return sent[budget - 1] + timedelta(hours=1)


def _live_code_until(user: User, now: datetime) -> datetime | None:
    """Until when the last unlock code sent still works (None: no usable code)."""
    code = (OneTimeCode.objects.filter(user=user, purpose=OneTimeCode.Purpose.UNLOCK,
                                       used_at__isnull=True, expires_at__gt=now,
                                       attempts__lt=accounts_conf.get().code_max_attempts)
            .order_by("-created_at", "-pk").first())
    return code.expires_at if code else None


def diagnose(user: User) -> Diagnosis:
    now = clock.now()
    findings: list[Finding] = []
    alternatives: list[Finding] = []
    if not user.is_active:
        findings.append(Finding("lock.inactive"))
        return Diagnosis("lock", tuple(findings), Finding("step.talk_to_person"), now)
    active = list(holds.active(user).order_by("created_at", "pk"))
    findings.extend(_hold_finding(h) for h in active)
    guard = LoginGuard.objects.filter(user=user).first()
    blocking = any(h.blocks_login for h in active)
    # Under a hold that blocks sign-in, the short pause of the ladder changes nothing.
    tier_until = guard.locked_until if guard and guard.locked_until and \
        guard.locked_until > now and not blocking else None
    if tier_until is not None and guard is not None:
        findings.append(Finding("lock.tier", {
            "tier": tier_of(guard.failures), "failures": guard.failures, "until": tier_until,
            "minutes": minutes_until(tier_until, now)}))
    self_service = [h for h in active if h.kind in SELF_SERVICE]
    if self_service or tier_until is not None:
        next_code = _next_code_at(user, now)
        if mfa.has_mfa(user):
            findings.append(Finding("lock.needs_second_factor"))
        if user.must_change_password or any(h.kind == Kind.FROZEN for h in active):
            findings.append(Finding("lock.must_change_password"))
        if next_code is not None:
            findings.append(Finding("lock.code_limit", {"until": next_code}))
    if self_service:
        live_until = _live_code_until(user, now) if next_code is not None else None
        if next_code is None:
            step = Finding("step.unlock_by_code")
        elif live_until is not None:
            step = Finding("step.use_sent_code", {"until": live_until})
        else:
            step = Finding("step.wait_for_code", {"until": next_code,
                                                  "minutes": minutes_until(next_code, now)})
        alternatives.append(Finding("step.talk_to_person"))
    elif tier_until is not None:
        step = Finding("step.wait", {"until": tier_until,
                                     "minutes": minutes_until(tier_until, now)})
        if next_code is None:
            alternatives.append(Finding("step.unlock_by_code"))
    elif active:  # only the cool-down after a reset: time is the only key
        hold = active[0]
        until = hold.until or now
        step = Finding("step.wait_outgoing", {"until": until,
                                              "minutes": minutes_until(until, now)})
        alternatives.append(Finding("step.talk_to_person"))
    else:
        findings.append(Finding("lock.not_locked"))
        step = Finding("step.none")
    return Diagnosis("lock", tuple(findings), step, now, tuple(alternatives))
