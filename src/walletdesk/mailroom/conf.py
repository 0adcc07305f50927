"""The MAILROOM settings (``WALLETDESK_SMTP_*``, ``WALLETDESK_SUPPORT_EMAIL``) in one typed place."""

from __future__ import annotations

from dataclasses import dataclass
from email.utils import parseaddr
from typing import Any

from django.conf import settings


@dataclass(frozen=True)
class Config:
    listen: tuple[str, int] | None
    support_email: str
    max_bytes: int
    sender_limit: int
    authserv_id: str
    message_id_domain: str


def parse_listen(value: str) -> tuple[str, int] | None:
    """"host:port" (IPv6 as "[::1]:2525"); "" or "off" means no listener."""
    value = (value or "").strip()
    if value.lower() in ("", "off", "0", "no", "false"):
        return None
    host, sep, port = value.rpartition(":")
    if not sep or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"WALLETDESK_SMTP_LISTEN must be host:port or off, not {value!r}")
    return host.strip("[]") or "127.0.0.1", int(port)


def get() -> Config:
    raw: dict[str, Any] = settings.MAILROOM
    support = parseaddr(raw["SUPPORT_EMAIL"])[1].lower()
    return Config(
        listen=parse_listen(raw["LISTEN"]),
        support_email=support,
        max_bytes=int(raw["MAX_BYTES"]),
        sender_limit=int(raw["SENDER_LIMIT_PER_HOUR"]),
        authserv_id=str(raw["TRUSTED_AUTHSERV_ID"]).strip(),
        message_id_domain=(raw["MESSAGE_ID_DOMAIN"] or support.rpartition("@")[2]).lower(),
    )
