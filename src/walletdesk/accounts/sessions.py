"""Django's database sessions, with the session's row read by a statement compiled once.

Every signed-in request loads its session. ``SessionStore`` is Django's own
(``django.contrib.sessions.backends.db``); only the read is changed: the same
``session_key = %s AND expire_date > %s`` statement (``Session.objects.get``), compiled once
per connection (``core.fixedquery``, issue #16) instead of once per request. An unknown or
expired key loads nothing and drops the key, as Django does.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.contrib.sessions.models import Session
from django.db import router
from django.utils import timezone

from walletdesk.core.fixedquery import FixedQuery


def _live(key: str, now: datetime) -> Any:
    return Session.objects.filter(session_key=key, expire_date__gt=now)[:1]


LIVE_SESSION = FixedQuery(_live, key=str, now=datetime)


class SessionStore(DatabaseSessionStore):
    def _get_session_from_db(self) -> Any:
        key = self.session_key
        found = LIVE_SESSION.rows(using=router.db_for_read(self.model), key=key,
                                  now=timezone.now()) if key else []
        if not found:
            self._session_key = None
            return None
        return found[0]
