"""Signals of accounts for other apps (accounts imports none of them)."""

from __future__ import annotations

from django.db import transaction
from django.dispatch import Signal

# A user's sessions or API tokens ended (sign-out, a device signed out, a password reset, a
# freeze). Sent after the transaction commits, with ``user_id``. Live support closes the
# user's websockets whose credential ended.
credentials_ended = Signal()
# The same, sent at once (before the commit), with ``user_id``: this process's memory of
# looked-up tokens forgets the user (``token_cache``); forgetting early is always safe.
credentials_ending = Signal()


def credentials_ended_on_commit(user_id: int) -> None:
    credentials_ending.send(sender=None, user_id=user_id)
    transaction.on_commit(lambda: credentials_ended.send(sender=None, user_id=user_id), robust=True)
