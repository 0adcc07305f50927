"""The PHONE settings (``WALLETDESK_TELEPHONY_*``, ``WALLETDESK_CALLBACK_*``) in one typed place.
Read afresh on each call, so that a changed setting (tests, ``override_settings``) applies."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class Config:
    telephony_provider: str
    slot_minutes: int
    slot_capacity: int
    book_days: int
    lead_minutes: int
    # the development provider
    dev_ring_seconds: float
    dev_no_answer_rate: float
    dev_fail_rate: float
    dev_unavailable_rate: float
    dev_fail_numbers: tuple[str, ...]
    dev_no_answer_numbers: tuple[str, ...]
    webhook_secret: str  # "" = no signed status events


def get() -> Config:
    raw = settings.PHONE
    return Config(
        telephony_provider=str(raw["TELEPHONY_PROVIDER"]),
        slot_minutes=int(raw["SLOT_MINUTES"]),
        slot_capacity=int(raw["SLOT_CAPACITY"]),
        book_days=int(raw["BOOK_DAYS"]),
        lead_minutes=int(raw["LEAD_MINUTES"]),
        dev_ring_seconds=float(raw["DEV_RING_SECONDS"]),
        dev_no_answer_rate=float(raw["DEV_NO_ANSWER_RATE"]),
        dev_fail_rate=float(raw["DEV_FAIL_RATE"]),
        dev_unavailable_rate=float(raw["DEV_UNAVAILABLE_RATE"]),
        dev_fail_numbers=tuple(str(n) for n in raw["DEV_FAIL_NUMBERS"]),
        dev_no_answer_numbers=tuple(str(n) for n in raw["DEV_NO_ANSWER_NUMBERS"]),
        webhook_secret=str(raw.get("WEBHOOK_SECRET") or ""),
    )
