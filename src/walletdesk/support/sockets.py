"""Sockets end with the session or token that opened them.

A socket remembers the credential of its handshake (``Credential``): an API token (its row id
and expiry), or a browser session (its key, the session hash it was opened with and the
device sign-out epoch). ``still_valid`` checks many of them in a few statements: the token
is not revoked or expired, the session row still exists and is not expired, its user is active
and the password and sign-out epoch are those of the handshake, the device was not signed out.

Three things close a socket whose credential ended, in every server process:

* ``close_for_user(user_id)`` after the transaction that ended it commits (sign-out, "sign out
  everywhere", a device sign-out, a password reset, a freeze): a frame to the user's group
  makes each of their sockets re-check at once (the others stay open);
* each socket process's recheck loop re-checks every socket's credential every few seconds in
  one batch (a missed frame, a token that expired, an edit made by hand);
* each frame from the client is checked against the cached answer (``fresh_until``), and
  against the token's expiry, before it is acted on.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction

USER_GROUP = "support.user.{}"
CLOSE_CODE = 4401  # the socket's session or token ended


def user_group(user_id: int) -> str:
    return USER_GROUP.format(user_id)


@dataclass(frozen=True)
class Credential:
    """What authenticated a socket's handshake."""

    kind: str  # "token" | "session"
    user_id: int
    token_id: int = 0
    expires_at: datetime | None = None
    session_key: str = ""
    session_hash: str = ""
    device: tuple[int, int] | None = None  # (device id, its sign-out epoch) of a session

    def expired(self, now: datetime) -> bool:
        return self.expires_at is not None and now >= self.expires_at


def for_token(token: Any) -> Credential:
    return Credential("token", token.user_id, token_id=token.pk, expires_at=token.expires_at)


def for_session(session: Any, user: Any) -> Credential | None:
    """The credential of a browser session (None for an anonymous one)."""
    from django.contrib.auth import HASH_SESSION_KEY

    from walletdesk.accounts.sessions import DEVICE_KEY

    if user is None or not getattr(user, "is_authenticated", False) or not session.session_key:
        return None
    device = session.get(DEVICE_KEY)
    pair = (int(device[0]), int(device[1])) if isinstance(device, list) and len(device) == 2 else None
    expiry = session.get_expiry_date()
    return Credential("session", user.pk, session_key=session.session_key,
                      session_hash=str(session.get(HASH_SESSION_KEY, "")), device=pair,
                      expires_at=expiry)


def still_valid(creds: Iterable[Credential]) -> set[Credential]:
    """The credentials that still hold (a few statements for any number of them)."""
    from django.utils.crypto import constant_time_compare

    from walletdesk.accounts.models import ApiToken, BrowserSession, Device, User
    from walletdesk.core import clock

    now = clock.now()
    creds = [c for c in set(creds) if not c.expired(now)]
    tokens = [c for c in creds if c.kind == "token"]
    sessions = [c for c in creds if c.kind == "session"]
    ok: set[Credential] = set()
    if tokens:
        live = set(ApiToken.objects.filter(pk__in=[c.token_id for c in tokens], revoked_at__isnull=True,
                                           expires_at__gt=now, user__is_active=True)
                   .values_list("pk", flat=True))
        ok |= {c for c in tokens if c.token_id in live}
    if sessions:
        keys = set(BrowserSession.objects.filter(session_key__in=[c.session_key for c in sessions],
                                          expire_date__gt=now).values_list("session_key", flat=True))
        users = {u.pk: u.get_session_auth_hash() for u in User.objects.filter(
            pk__in={c.user_id for c in sessions}, is_active=True).only("password", "session_epoch")}
        wanted = {c.device[0] for c in sessions if c.device}
        devices = {d[0]: (d[1], d[2]) for d in Device.objects.filter(pk__in=wanted).values_list(
            "pk", "session_epoch", "user_id")} if wanted else {}
        for c in sessions:
            if c.session_key not in keys or c.user_id not in users:
                continue
            if not constant_time_compare(c.session_hash, users[c.user_id]):
                continue
            if c.device and devices.get(c.device[0]) != (c.device[1], c.user_id):
                continue
            ok.add(c)
    return ok


def close_for_user(user_id: int) -> None:
    """After the surrounding transaction commits: every socket of this user, in every process,
    re-checks its credential now and closes if it ended (sign-out, reset, freeze...)."""
    from . import events

    def send() -> None:
        events.send_now(user_group(user_id), {"type": "reauth"})

    transaction.on_commit(send, robust=True)  # the recheck loop is the fallback
