"""Signals of accounts for other apps (accounts imports none of them)."""

from __future__ import annotations

from django.db import transaction
from django.dispatch import Signal

# A user's sessions or API tokens ended (sign-out, a device signed out, a password reset, a
# freeze). Sent after the transaction commits, with ``user_id``. Live support closes the
# user's websockets whose credential ended.
credentials_ended = Signal()


def credentials_ended_on_commit(user_id: int) -> None:
    transaction.on_commit(lambda: credentials_ended.send(sender=None, user_id=user_id), robust=True)
