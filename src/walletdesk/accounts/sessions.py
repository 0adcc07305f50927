"""Django's database sessions, read together with their user and device check.

Every signed-in request loads its session, then its user, then checks that the session's
device was not signed out since the session began. ``SessionStore`` is Django's own
(``django.contrib.sessions.backends.db``) on a table of its own (``BrowserSession``), which
keeps the user and the device ([id, epoch]) named by the session's signed data in columns,
written from that data each time the session is saved. The session's read is one statement
compiled once per connection (``core.fixedquery``): the live row by its key (``session_key = %s
AND expire_date > %s``, as ``Session.objects.get``), its user joined, the device check as an
``EXISTS`` (issue #16, ADR 0122) and the user's unread notifications counted for the bell
(``notify.services.inbox.known_unread``). ``joined_user`` hands that user to the login backend
only when the decoded data names the same user and device; otherwise the backend reads the
user itself, as before. An unknown or expired key loads nothing and drops the key, as Django
does.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, cast

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import router
from django.db.models import Exists, OuterRef
from django.utils import timezone

from walletdesk.core.fixedquery import FixedQuery
from walletdesk.notify.services import inbox

from .models import BrowserSession, Device, User

# The session's device and its sign-out epoch when the session began: [id, epoch].
DEVICE_KEY = "device_session"


def device_of(data: Mapping[str, Any] | None) -> tuple[int, int] | None:
    """The session data's [device id, epoch] as integers, or None."""
    value = data.get(DEVICE_KEY) if data is not None else None
    if not (isinstance(value, list) and len(value) == 2):
        return None
    try:
        return int(value[0]), int(value[1])
    except (TypeError, ValueError):
        return None


def _user_of(data: Mapping[str, Any]) -> int | None:
    try:
        return int(data[SESSION_KEY])
    except (KeyError, TypeError, ValueError):
        return None


def _live(key: str, now: datetime) -> Any:
    alive = Device.objects.filter(pk=OuterRef("device_pk"), session_epoch=OuterRef("device_epoch"),
                                  user_id=OuterRef("user_id"))
    return BrowserSession.objects.filter(session_key=key, expire_date__gt=now).select_related(
        "user").annotate(device_alive=Exists(alive),
                         unread_notifications=inbox.unread_subquery("user_id"))[:1]


LIVE_SESSION = FixedQuery(_live, key=str, now=datetime)


class SessionStore(DatabaseSessionStore):
    def __init__(self, session_key: str | None = None) -> None:
        super().__init__(session_key)
        self._joined: BrowserSession | None = None

    @classmethod
    def get_model_class(cls) -> type[BrowserSession]:
        return BrowserSession

    def create_model_instance(self, data: dict[str, Any]) -> BrowserSession:
        row = cast(BrowserSession, super().create_model_instance(data))
        row.user_id = _user_of(data)
        row.device_pk, row.device_epoch = device_of(data) or (None, None)
        return row

    def _get_session_from_db(self) -> Any:
        key = self.session_key
        found = LIVE_SESSION.rows(using=router.db_for_read(self.model), key=key,
                                  now=timezone.now()) if key else []
        self._joined = found[0] if found else None
        if not found:
            self._session_key = None
            return None
        row = found[0]
        if row.user_id is not None:
            row.unread_writes = inbox.writes_seen(row.user_id)
        return row

    def joined_user(self, user_id: int, device: tuple[int, int] | None) -> User | None:
        """The user read with this session, with ``device_alive`` set and the bell's count
        remembered (``inbox.known_unread``), when the session's columns name ``user_id`` and
        ``device`` as its decoded data does; else None."""
        row = self._joined
        if row is None or row.user_id != user_id or device is None or (
                (row.device_pk, row.device_epoch) != device):
            return None
        user: User = row.user  # type: ignore[assignment]
        user.device_alive = row.device_alive  # type: ignore[attr-defined]
        inbox.remember_unread(user, row.unread_notifications,  # type: ignore[attr-defined]
                              row.unread_writes)  # type: ignore[attr-defined]
        return user
