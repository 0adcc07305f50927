"""Idempotency keys for money-moving calls (as Stripe's ``Idempotency-Key``).

* The same key and the same request return the first response again, also
  after a restart (the response is stored with the operation, in the same
  database transaction, so an operation and its record commit together).
* The same key with another request body: 422 ``idempotency_key_reused``.
* While the first request still runs: 409 ``idempotency_request_in_progress``.
  A request whose process died keeps the key only until its lease runs out.
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
from datetime import timedelta
from typing import Any, cast

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from walletdesk.core import clock
from walletdesk.core.errors import Conflict, DomainError

from .models import IdempotencyRecord

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
    if len(raw) > MAX_KEY_LENGTH or not all(33 <= ord(c) <= 126 for c in raw):
        raise KeyMalformed()
    return raw


def request_hash(method: str, path: str, body: bytes) -> str:
    try:
        canonical = json.dumps(json.loads(body or b"null"), sort_keys=True,
                               separators=(",", ":")).encode()
    except (ValueError, UnicodeDecodeError):
        canonical = body
    return hashlib.sha256(method.encode() + b" " + path.encode() + b"\n" + canonical).hexdigest()


def _begin(scope: str, key: str, digest: str) -> IdempotencyRecord | Result:
    """Reserve the key, or return the stored result for a replay."""
    now = clock.now()
    lease = now + timedelta(seconds=cast(int, settings.WALLET["IDEMPOTENCY_LEASE_SECONDS"]))
    token = secrets.token_hex(8)
    try:
        with transaction.atomic():
            return IdempotencyRecord.objects.create(scope=scope, key=key, request_hash=digest,
                                                    owner_token=token, locked_until=lease,
                                                    created_at=now)
    except IntegrityError:
        pass
    existing = IdempotencyRecord.objects.get(scope=scope, key=key)
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
    existing.owner_token = token
    return existing


def _finish(record: IdempotencyRecord, status: int, body: Any) -> None:
    IdempotencyRecord.objects.filter(pk=record.pk, owner_token=record.owner_token).update(
        state=IdempotencyRecord.State.DONE, response_status=status, response_body=body)


def execute(scope: str, key: str | None, digest: str, operation: Callable[[], Result]) -> Result:
    """Run ``operation`` at most once for (scope, key); return its (status, body)."""
    key = check_key(key)
    begun = _begin(scope, key, digest)
    if not isinstance(begun, IdempotencyRecord):
        return begun
    record = begun
    try:
        with transaction.atomic():
            status, body = operation()
            _finish(record, status, body)
        return status, body
    except DomainError as exc:
        if exc.status in (409, 429) or exc.status >= 500 or exc.code in RETRY_LATER:
            exc.as_dict()  # a refusal's own record (a risk decision) is written now
            IdempotencyRecord.objects.filter(pk=record.pk, owner_token=record.owner_token).delete()
            raise
        _finish(record, exc.status, exc.as_dict())
        return exc.status, exc.as_dict()
    except BaseException:
        IdempotencyRecord.objects.filter(pk=record.pk, owner_token=record.owner_token).delete()
        raise
