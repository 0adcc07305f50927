"""The session code that the agent reads out at the start of a callback (ADR 0085).

Six digits derived with HMAC-SHA256 from the server's secret key, the callback's id and
a random salt stored with the callback: a copy of the database alone does not reveal
codes, and a new salt (a rebooking) gives a new code. The customer's app shows it
only to the logged-in customer, from WINDOW_BEFORE the slot until WINDOW_AFTER it (and
while a call is in progress); the agent gets it only from ``start_call``.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from django.conf import settings

from .models import Callback

DIGITS = 6
WINDOW_BEFORE = timedelta(minutes=30)
WINDOW_AFTER = timedelta(hours=2)


def new_salt() -> str:
    return secrets.token_hex(16)


def code_for(callback: Callback) -> str:
    mac = hmac.new(settings.SECRET_KEY.encode(),
                   f"walletdesk.phone.session:{callback.pk}:{callback.code_salt}".encode(),
                   hashlib.sha256).hexdigest()
    return str(int(mac[:15], 16) % 10 ** DIGITS).zfill(DIGITS)


def visible_at(callback: Callback, now: datetime) -> bool:
    if callback.status == Callback.Status.CALLING:
        return True
    return (callback.status == Callback.Status.SCHEDULED
            and callback.slot_start - WINDOW_BEFORE <= now <= callback.slot_start + WINDOW_AFTER)
