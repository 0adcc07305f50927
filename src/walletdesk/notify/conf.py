"""The NOTIFY settings (``WALLETDESK_SMS_*``, ``WALLETDESK_VAPID_*``, ``WALLETDESK_PUSH_*``)
and the message limits kept beside the other security limits in SECURITY, in one typed place.
Read afresh on each call, so that a changed setting (tests, ``override_settings``) applies."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class Config:
    sms_provider: str
    sms_fail_rate: float
    sms_fail_numbers: tuple[str, ...]
    vapid_private_key: str
    vapid_subject: str
    push_allow_loopback: bool
    push_ttl_seconds: int


@dataclass(frozen=True)
class Limits:
    """Per hour: requests that may send a message, per IP and per address; messages to one
    address (SECURITY's ``SEND_REQUESTS_PER_*`` and ``MESSAGES_PER_ADDRESS_PER_HOUR``)."""

    send_requests_per_ip: int
    send_requests_per_address: int
    messages_per_address: int


def get() -> Config:
    raw = settings.NOTIFY
    return Config(
        sms_provider=str(raw["SMS_PROVIDER"]),
        sms_fail_rate=float(raw.get("SMS_FAIL_RATE", 0.0)),
        sms_fail_numbers=tuple(str(n) for n in raw.get("SMS_FAIL_NUMBERS", ())),
        vapid_private_key=str(raw.get("VAPID_PRIVATE_KEY") or ""),
        vapid_subject=str(raw.get("VAPID_SUBJECT") or "mailto:support@example.com"),
        push_allow_loopback=bool(raw.get("PUSH_ALLOW_LOOPBACK")),
        push_ttl_seconds=int(raw.get("PUSH_TTL_SECONDS", 86_400)),
    )


def limits() -> Limits:
    raw = settings.SECURITY
    return Limits(
        send_requests_per_ip=int(raw["SEND_REQUESTS_PER_IP_PER_HOUR"]),
        send_requests_per_address=int(raw["SEND_REQUESTS_PER_ADDRESS_PER_HOUR"]),
        messages_per_address=int(raw["MESSAGES_PER_ADDRESS_PER_HOUR"]),
    )
