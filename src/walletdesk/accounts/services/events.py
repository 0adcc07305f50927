"""Security events: append-only, hash-chained, UTC, never a secret.

Each row stores the hash of the row before it (``prev_hash``, unique), so two
writers cannot both extend the same tail: the loser retries on the new tail.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.db import IntegrityError, transaction

from walletdesk.core import clock

from ..models import SecurityEvent, User

GENESIS = "0" * 64
CHAIN_LOCK = 0x5EC0E7
SECRET_WORDS = ("password", "code", "token", "secret", "otp", "key")


def _digest(prev: str, user_id: int | None, kind: str, at_iso: str, ip: str | None,
            data: dict[str, Any]) -> str:
    payload = json.dumps({"prev": prev, "user": user_id, "kind": kind, "at": at_iso, "ip": ip,
                          "data": data}, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()


def row_hash(ev: SecurityEvent) -> str:
    return _digest(ev.prev_hash, ev.user_id, ev.kind, ev.at.isoformat(),
                   str(ev.ip) if ev.ip else None, ev.data)


def record(kind: str, user: User | None = None, *, ip: str | None = None,
           **data: Any) -> SecurityEvent:
    for key in data:
        if any(word in key.lower() for word in SECRET_WORDS):
            raise ValueError(f"security events never hold secrets ({key!r})")
    clean = json.loads(json.dumps(data, default=str))
    for _attempt in range(50):
        try:
            with transaction.atomic():
                _lock_tail()
                last = SecurityEvent.objects.order_by("-pk").values_list("hash", flat=True).first()
                ev = SecurityEvent(user=user, kind=kind, at=clock.now(), ip=ip, data=clean,
                                   prev_hash=last or GENESIS)
                ev.hash = row_hash(ev)
                ev.save(force_insert=True)
            return ev
        except IntegrityError:
            continue  # another writer extended the chain first (the unique prev_hash says so)
    raise RuntimeError("could not append to the security event chain")


def _lock_tail() -> None:
    """Writers take turns on PostgreSQL (a transaction-level advisory lock, held until the
    surrounding transaction ends); SQLite's IMMEDIATE transactions already serialize them."""
    conn = transaction.get_connection()
    if conn.vendor == "postgresql":
        with conn.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK])


def verify_chain() -> tuple[bool, int | None]:
    """Recompute every hash in order; returns (ok, id of the first bad row)."""
    prev = GENESIS
    for ev in SecurityEvent.objects.order_by("pk").iterator(chunk_size=500):
        if ev.prev_hash != prev or row_hash(ev) != ev.hash:
            return False, ev.pk
        prev = ev.hash
    return True, None


def events_of(user: User, limit: int = 100) -> list[SecurityEvent]:
    return list(SecurityEvent.objects.filter(user=user).order_by("-at", "-pk")[:limit])
