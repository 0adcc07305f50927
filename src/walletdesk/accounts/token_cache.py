"""A short-lived, per-process memory of bearer tokens already looked up (ADR 0109).

Every API call looks its token up; issue #16 measured that look-up as a large part of a
balance read. A token found active is remembered here for at most ``TTL_SECONDS`` (2 s) of
real time *and* of the project clock, so a revocation, a sign-out, a password reset or a
freeze written by another process takes effect here within that bound. In this process it
takes effect at once: every path that ends credentials (``signals.credentials_ending``) and
every save or delete of a user or a token forgets that user's entries, and a step-up
forgets the token it freshened.

What is kept is the two rows' column values, never model instances: each hit builds a new
``ApiToken`` and ``User``, so what one request does to its objects never reaches another.
Expiry is checked against the clock on every hit, so an expired token is refused at its
second. Only tokens found active are kept; a bad or unknown token always asks the database.
"""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta
from typing import Any

from django.db.models.signals import post_delete, post_save

from . import signals
from .models import ApiToken, User

TTL_SECONDS = 2.0
MAX_ENTRIES = 20_000

_TOKEN_FIELDS = [f.attname for f in ApiToken._meta.concrete_fields]
_USER_FIELDS = [f.attname for f in User._meta.concrete_fields]

# digest -> (monotonic time, project clock time, user id, token values, user values)
_Entry = tuple[float, datetime, int, tuple[Any, ...], tuple[Any, ...]]
_entries: dict[str, _Entry] = {}
_lock = threading.Lock()


def _fresh(entry: _Entry, now: datetime) -> bool:
    real, at, _user_id, _token, _user = entry
    age = now - at
    return (time.monotonic() - real < TTL_SECONDS
            and timedelta(0) <= age < timedelta(seconds=TTL_SECONDS))


def _build(entry: _Entry) -> ApiToken:
    token = ApiToken.from_db(None, _TOKEN_FIELDS, entry[3])
    token.user = User.from_db(None, _USER_FIELDS, entry[4])
    return token


def get(digest: str, now: datetime) -> ApiToken | None:
    """The remembered active token with this digest (new objects), or None: ask the database."""
    entry = _entries.get(digest)
    if entry is None:
        return None
    if not _fresh(entry, now):
        with _lock:
            if _entries.get(digest) is entry:
                del _entries[digest]
        return None
    token = _build(entry)
    if token.expires_at <= now or token.revoked_at is not None or not token.user.is_active:
        return None
    return token


def put(digest: str, token: ApiToken, now: datetime) -> None:
    """Remember an active token just read from the database, with its user."""
    entry = (time.monotonic(), now, token.user_id,
             tuple(getattr(token, name) for name in _TOKEN_FIELDS),
             tuple(getattr(token.user, name) for name in _USER_FIELDS))
    with _lock:
        if len(_entries) >= MAX_ENTRIES:
            _entries.clear()  # a burst of distinct tokens: start again rather than grow
        _entries[digest] = entry


def forget_token(digest: str) -> None:
    with _lock:
        _entries.pop(digest, None)


def forget_user(user_id: object) -> None:
    with _lock:
        for digest in [d for d, e in _entries.items() if e[2] == user_id]:
            del _entries[digest]


def clear() -> None:
    with _lock:
        _entries.clear()


def size() -> int:
    return len(_entries)


def _on_credentials(sender: object, user_id: int, **kwargs: object) -> None:
    forget_user(user_id)


def _on_user_row(sender: type, instance: User, **kwargs: object) -> None:
    forget_user(instance.pk)


def _on_token_row(sender: type, instance: ApiToken, **kwargs: object) -> None:
    forget_user(instance.user_id)


signals.credentials_ending.connect(_on_credentials, dispatch_uid="accounts.token_cache.ending",
                                   weak=False)
signals.credentials_ended.connect(_on_credentials, dispatch_uid="accounts.token_cache.ended",
                                  weak=False)
for _model, _receiver in ((User, _on_user_row), (ApiToken, _on_token_row)):
    for _signal in (post_save, post_delete):
        _signal.connect(_receiver, sender=_model, weak=False,
                        dispatch_uid=f"accounts.token_cache.{_model.__name__}.{_signal}")
