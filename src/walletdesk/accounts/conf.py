"""The SECURITY settings (lockout, one-time codes, holds, step-up, devices, passkeys) in one
typed place. Read afresh on each call, so that a changed setting (tests,
``override_settings``) applies at once."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class Config:
    lockout_tiers: tuple[tuple[int, int], ...]  # (failures, seconds to wait)
    lockout_hold_failures: int
    lockout_window_hours: int
    ip_failures_per_15_min: int
    code_ttl_email_minutes: int
    code_ttl_sms_minutes: int
    code_digits: int
    code_max_attempts: int
    code_sends_per_hour: int
    hold_after_reset_hours: int
    step_up_seconds: int
    mfa_login_minutes: int
    new_device_step_up: str  # "new_place" or "always"
    impossible_travel_kmh: float
    geo_provider: str
    webauthn_rp_id: str  # "" = the request's host
    webauthn_origin: str  # "" = the request's scheme and host


def get() -> Config:
    raw = settings.SECURITY
    return Config(
        lockout_tiers=tuple((int(n), int(s)) for n, s in raw["LOCKOUT_TIERS"]),
        lockout_hold_failures=int(raw["LOCKOUT_HOLD_FAILURES"]),
        lockout_window_hours=int(raw["LOCKOUT_WINDOW_HOURS"]),
        ip_failures_per_15_min=int(raw["IP_FAILURES_PER_15_MIN"]),
        code_ttl_email_minutes=int(raw["CODE_TTL_EMAIL_MINUTES"]),
        code_ttl_sms_minutes=int(raw["CODE_TTL_SMS_MINUTES"]),
        code_digits=int(raw["CODE_DIGITS"]),
        code_max_attempts=int(raw["CODE_MAX_ATTEMPTS"]),
        code_sends_per_hour=int(raw["CODE_SENDS_PER_HOUR"]),
        hold_after_reset_hours=int(raw["HOLD_AFTER_RESET_HOURS"]),
        step_up_seconds=int(raw["STEP_UP_SECONDS"]),
        mfa_login_minutes=int(raw["MFA_LOGIN_MINUTES"]),
        new_device_step_up=str(raw["NEW_DEVICE_STEP_UP"]),
        impossible_travel_kmh=float(raw["IMPOSSIBLE_TRAVEL_KMH"]),
        geo_provider=str(raw["GEO_PROVIDER"]),
        webauthn_rp_id=str(raw.get("WEBAUTHN_RP_ID") or ""),
        webauthn_origin=str(raw.get("WEBAUTHN_ORIGIN") or ""),
    )
