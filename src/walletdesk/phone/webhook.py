"""Status events from a real telephony provider, posted to ``/api/v1/phone/provider/events``.

The provider signs ``<timestamp>.<raw body>`` with HMAC-SHA256 and the shared secret
``PHONE["WEBHOOK_SECRET"]`` (``WALLETDESK_TELEPHONY_WEBHOOK_SECRET``) and sends
``X-Telephony-Timestamp`` and ``X-Telephony-Signature: sha256=<hex>``. Requests with a
bad signature, or a timestamp more than ``TOLERANCE_SECONDS`` away from our clock (a
replay), are refused before anything is read; without a secret the endpoint does not
exist. The development provider does not need it (its events come through jobs).
"""

from __future__ import annotations

import hashlib
import hmac

from django.http import HttpRequest

from walletdesk.core import clock

from . import conf

TOLERANCE_SECONDS = 300
TIMESTAMP_HEADER = "X-Telephony-Timestamp"
SIGNATURE_HEADER = "X-Telephony-Signature"


def secret() -> str:
    return conf.get().webhook_secret


def signature(key: str, timestamp: str, body: bytes) -> str:
    return "sha256=" + hmac.new(key.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def verify_request(request: HttpRequest) -> bool:
    """``verify`` for a provider's request: its timestamp and signature headers, its body."""
    return verify(request.headers.get(TIMESTAMP_HEADER, "")[:20],
                  request.headers.get(SIGNATURE_HEADER, "")[:100], request.body)


def verify(timestamp: str, sent: str, body: bytes) -> bool:
    key = secret()
    if not key or not timestamp.isdigit() or len(timestamp) > 12:
        return False
    if abs(clock.now().timestamp() - int(timestamp)) > TOLERANCE_SECONDS:
        return False
    return hmac.compare_digest(signature(key, timestamp, body), sent)
