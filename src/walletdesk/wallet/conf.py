"""The WALLET settings (``WALLETDESK_NETWORK_*``, ``WALLETDESK_PENDING_TIMEOUT``,
``WALLETDESK_IDEMPOTENCY_*``) in one typed place. Read afresh on each call, so that a
changed setting (tests, ``override_settings``) applies at once."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class Config:
    network_provider: str
    network_confirm_rate: float
    network_fail_rate: float
    network_delay_seconds: tuple[float, float]
    network_late_delay_seconds: float
    network_seed: str
    network_unavailable_rate: float
    pending_timeout_seconds: int
    idempotency_ttl_hours: int
    idempotency_lease_seconds: int


def get() -> Config:
    raw = settings.WALLET
    low, high = raw["NETWORK_DELAY_SECONDS"]
    return Config(
        network_provider=str(raw["NETWORK_PROVIDER"]),
        network_confirm_rate=float(raw["NETWORK_CONFIRM_RATE"]),
        network_fail_rate=float(raw["NETWORK_FAIL_RATE"]),
        network_delay_seconds=(float(low), float(high)),
        network_late_delay_seconds=float(raw["NETWORK_LATE_DELAY_SECONDS"]),
        network_seed=str(raw["NETWORK_SEED"] or ""),
        network_unavailable_rate=float(raw.get("NETWORK_UNAVAILABLE_RATE", 0.0)),
        pending_timeout_seconds=int(raw["PENDING_TIMEOUT_SECONDS"]),
        idempotency_ttl_hours=int(raw["IDEMPOTENCY_TTL_HOURS"]),
        idempotency_lease_seconds=int(raw["IDEMPOTENCY_LEASE_SECONDS"]),
    )
