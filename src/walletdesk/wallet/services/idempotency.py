"""Idempotency keys for money-moving calls (as Stripe's ``Idempotency-Key``).

* The same key and the same request return the first response again, also
  after a restart. The key's reservation, the operation and its stored response
  are one database transaction (ADR 0002, as amended by ADR 0046): they commit
  together, and a failure takes all of them back.
* The same key with another request body: 422 ``idempotency_key_reused``.
* While the first request still runs, a second one with the same key waits for
  it (its reservation waits on the first one's uncommitted row) and then gets its
  answer. A running record left by an older version's dead process answers 409
  ``idempotency_request_in_progress`` until its lease runs out, then is taken over.
* Business refusals (4xx: insufficient funds, invalid amount ...) are stored and
  replayed. Refusals that mean "not yet: do X, then retry" (``RETRY_LATER``: step-up,
  held for review, account on hold, 409, 429) free the key, as Stripe does, so the
  same key works after the step-up or the approval. Unexpected failures free it too.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.utils.translation import gettext_lazy as _

from walletdesk.core import clock
from walletdesk.core.errors import Conflict, DomainError

from .. import conf, locks, refusals
from ..models import IdempotencyRecord

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255

Result = tuple[int, Any]
# Preconditions the caller can meet and then retry with the same key (never replayed).
RETRY_LATER = frozenset({"step_up_required", "held_for_review", "account_on_hold"})


class KeyMissing(DomainError):
    code = "idempotency_key_missing"
    default_message = _("Send an Idempotency-Key header with every request that moves money.")


class KeyMalformed(DomainError):
    code = "idempotency_key_invalid"
    default_message = _("The Idempotency-Key must be 1 to 255 visible ASCII characters.")


class KeyReused(DomainError):
    status = 422
    code = "idempotency_key_reused"
    default_message = _("This Idempotency-Key was already used for a different request.")


class InProgress(Conflict):
    code = "idempotency_request_in_progress"
    default_message = _("A request with this Idempotency-Key is still being processed.")


def check_key(raw: str | None) -> str:
    if raw is None or raw == "":
        raise KeyMissing()
    # visible ASCII (33 to 126): printable ASCII is 32 to 126, and the space is refused
    if len(raw) > MAX_KEY_LENGTH or not (raw.isascii() and raw.isprintable()) or " " in raw:
        raise KeyMalformed()
    return raw


def request_hash(method: str, path: str, body: bytes) -> str:
    try:
        canonical = json.dumps(json.loads(body or b"null"), sort_keys=True,
                               separators=(",", ":")).encode()
    except (ValueError, UnicodeDecodeError):
        canonical = body
    return hashlib.sha256(method.encode() + b" " + path.encode() + b"\n" + canonical).hexdigest()


RESERVE_SQL = (
    'INSERT INTO wallet_idempotencyrecord (scope, "key", request_hash, state, owner_token, '
    "locked_until, created_at) VALUES (%s, %s, %s, 'running', %s, %s, %s) "
    'ON CONFLICT (scope, "key") DO NOTHING RETURNING id')
FINISH_SQL = ("UPDATE wallet_idempotencyrecord SET state = 'done', response_status = %s, "
              "response_body = %s WHERE id = %s")


def _reserve(scope: str, key: str, digest: str, token: str) -> int | Result:
    """Reserve the key in the caller's transaction (its id), or the stored result of a replay.

    A request with the same key that is still running holds its new row uncommitted: on
    PostgreSQL this insert waits for it and then finds its answer (a replay); SQLite's one
    writer queues the two anyway. A running row left by a process that died (written by a
    version that reserved in a transaction of its own) is taken over after its lease.
    """
    now = clock.now()
    lease = now + timedelta(seconds=conf.get().idempotency_lease_seconds)
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        cursor.execute(RESERVE_SQL, [scope, key, digest, token, adapt(lease), adapt(now)])
        row = cursor.fetchone()
    if row is not None:
        return int(row[0])
    existing = IdempotencyRecord.objects.filter(scope=scope, key=key).first()
    if existing is None:  # purged this very moment
        raise InProgress()
    if existing.request_hash != digest:
        raise KeyReused()
    if existing.state == IdempotencyRecord.State.DONE:
        return existing.response_status or 200, existing.response_body
    if existing.locked_until > now:
        raise InProgress()
    # The first request's process died: take the key over.
    if not IdempotencyRecord.objects.filter(
            pk=existing.pk, state=IdempotencyRecord.State.RUNNING,
            owner_token=existing.owner_token).update(owner_token=token, locked_until=lease):
        raise InProgress()
    return existing.pk


def _finish(pk: int, status: int, body: Any) -> None:
    field = IdempotencyRecord._meta.get_field("response_body")
    with connection.cursor() as cursor:
        cursor.execute(FINISH_SQL, [status, field.get_db_prep_save(body, connection), pk])


def _store_refusal(scope: str, key: str, digest: str, token: str, status: int,
                   body: Any) -> Result:
    """A business refusal, after its transaction rolled back: stored to be replayed."""
    now = clock.now()
    with transaction.atomic():
        IdempotencyRecord.objects.bulk_create([IdempotencyRecord(
            scope=scope, key=key, request_hash=digest, state=IdempotencyRecord.State.DONE,
            owner_token=token, locked_until=now, response_status=status, response_body=body,
            created_at=now)], ignore_conflicts=True)
        record = locks.lock_idempotency_record(scope, key)
        if record.owner_token == token:
            return status, body
        if record.state == IdempotencyRecord.State.DONE:  # another request answered first
            return record.response_status or 200, record.response_body
        # A dead process's running record that this request had taken over.
        IdempotencyRecord.objects.filter(pk=record.pk).update(
            state=IdempotencyRecord.State.DONE, owner_token=token, response_status=status,
            response_body=body)
    return status, body


def purge(before: datetime) -> None:
    """Forget the keys reserved before ``before`` (their retries are answered afresh)."""
    IdempotencyRecord.objects.filter(created_at__lt=before).delete()


class _Replay(Exception):
    def __init__(self, result: Result) -> None:
        self.result = result


def execute(scope: str, key: str | None, digest: str, operation: Callable[[], Result]) -> Result:
    """Run ``operation`` at most once for (scope, key); return its (status, body).

    One database transaction holds the reservation, the operation and its stored answer:
    they commit together, and any failure takes all of them back (the key is then free).
    """
    key = check_key(key)
    token = secrets.token_hex(8)
    try:
        with transaction.atomic():
            reserved = _reserve(scope, key, digest, token)
            if not isinstance(reserved, int):
                raise _Replay(reserved)
            try:
                status, body = operation()
            except DomainError as exc:
                exc.reserved = True  # type: ignore[attr-defined]
                raise
            _finish(reserved, status, body)
        return status, body
    except _Replay as replay:
        return replay.result
    except DomainError as exc:
        if not getattr(exc, "reserved", False):
            raise  # the key itself was refused (reused, in progress)
        # A refusal's own record (a risk decision, a miss) is written now, after the rollback.
        refusals.record(exc)
        if exc.status in (409, 429) or exc.status >= 500 or exc.code in RETRY_LATER:
            raise
        return _store_refusal(scope, key, digest, token, exc.status, exc.as_dict())
