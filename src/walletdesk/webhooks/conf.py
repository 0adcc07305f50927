"""The WEBHOOKS settings (``WALLETDESK_WEBHOOKS_*``) in one typed place. Read afresh on each
call, so that a changed setting (tests, ``override_settings``) applies at once."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class Config:
    allow_private: bool  # private, loopback and link-local receivers (never in production)
    require_https: bool
    max_attempts: int
    base_delay_seconds: float
    backoff_factor: float
    jitter: float
    scan_every_seconds: float
    scan_grace_seconds: float
    retention_days: int


def get() -> Config:
    raw = settings.WEBHOOKS
    return Config(
        allow_private=bool(raw["ALLOW_PRIVATE"]),
        require_https=bool(raw["REQUIRE_HTTPS"]),
        max_attempts=int(raw["MAX_ATTEMPTS"]),
        base_delay_seconds=float(raw["BASE_DELAY_SECONDS"]),
        backoff_factor=float(raw["BACKOFF_FACTOR"]),
        jitter=float(raw["JITTER"]),
        scan_every_seconds=float(raw["SCAN_EVERY_SECONDS"]),
        scan_grace_seconds=float(raw["SCAN_GRACE_SECONDS"]),
        retention_days=int(raw["RETENTION_DAYS"]),
    )
