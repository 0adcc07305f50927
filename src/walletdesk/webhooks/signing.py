"""Signatures: HMAC-SHA256 over ``timestamp + "." + body``, sent as
``Walletdesk-Signature: t=<unix seconds>,v1=<hex digest>``.

The receiver recomputes the digest with its copy of the secret, compares in
constant time, and refuses a timestamp older than its replay window (five
minutes by default): a captured request cannot be replayed later, and the
body cannot be changed without the secret. ``verify`` is what a Python
receiver would run; docs/reports-and-webhooks.md shows it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

HEADER = "Walletdesk-Signature"
TOLERANCE_SECONDS = 300


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def digest(secret: str, timestamp: int, body: bytes) -> str:
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def header(secret: str, timestamp: int, body: bytes) -> str:
    return f"t={timestamp},v1={digest(secret, timestamp, body)}"


def verify(secret: str, value: str, body: bytes, *, now: float | None = None,
           tolerance: int = TOLERANCE_SECONDS) -> bool:
    """True when ``value`` (the header) signs ``body`` with ``secret`` inside the window."""
    fields: dict[str, list[str]] = {}
    for part in value.split(","):
        key, _sep, val = part.strip().partition("=")
        fields.setdefault(key, []).append(val)
    try:
        timestamp = int(fields.get("t", [""])[0])
    except ValueError:
        return False
    current = time.time() if now is None else now
    if abs(current - timestamp) > tolerance:
        return False
    expected = digest(secret, timestamp, body)
    return any(hmac.compare_digest(expected, sig) for sig in fields.get("v1", []))
