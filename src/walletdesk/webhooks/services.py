"""Webhooks: the only code that writes endpoints, events, deliveries and attempts.

* Events come from support's own record: every message (key actions are event
  messages) is a row of ``support_message``, however it was written (the ORM,
  or one raw statement on PostgreSQL's chat hot path, which sends no signals).
  ``scan`` reads the rows after a cursor, in id order, and writes the events and
  one delivery per subscribed endpoint in one transaction with the cursor's
  move (guarded, so two scanners never both emit); the first try of each
  delivery is queued on commit. Only rows at least ``SCAN_GRACE_SECONDS`` old
  are read, so a transaction that committed a lower id a moment later is not
  skipped; a unique (message, type) constraint makes a second reading harmless.
* ``attempt`` runs in the job worker: the POST happens outside any transaction,
  then one short transaction writes the attempt and the next step.
* Schedule: up to ``MAX_ATTEMPTS`` tries; after try n the next waits
  ``BASE * FACTOR**(n-1)`` seconds with ±``JITTER`` (80 s, 4 min, 12 min, 36 min,
  1.8 h, 5.4 h, 16.2 h: the 8th try about 24 h after the first). 2xx is
  delivered; 410 Gone disables the endpoint and cancels its pending deliveries;
  anything else (another status, a refused connection, a timeout) is retried
  until the last try, then failed.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max

from walletdesk.core import clock
from walletdesk.core.services import jobs
from walletdesk.support.models import Conversation, Message

from . import conf, events, safety, sender, signing
from .errors import UnknownEventType
from .models import Attempt, Cursor, Delivery, Endpoint, Event

log = logging.getLogger(__name__)
USER_AGENT = "walletdesk-webhooks/1"
_rng = random.SystemRandom()


# --- endpoints ------------------------------------------------------------------------

def check_event_types(value: object) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list | tuple) or any(t not in events.EVENT_TYPES for t in value):
        raise UnknownEventType()
    return sorted(set(value))


def create_endpoint(*, url: object, description: object = "", event_types: object = None,
                    by: Any = None) -> Endpoint:
    """Validate everything first (URL, address, types); nothing is written on a refusal."""
    types = check_event_types(event_types)
    safety.check(url)
    text = description.strip()[:200] if isinstance(description, str) else ""
    if not Endpoint.objects.filter(is_active=True).exists():
        fast_forward()  # events start from now, never from the history before the first endpoint
    return Endpoint.objects.create(url=str(url), description=text, event_types=types,
                                   secret=signing.new_secret(),
                                   created_by=by if getattr(by, "pk", None) else None,
                                   created_at=clock.now(), updated_at=clock.now())


def update_endpoint(endpoint: Endpoint, *, url: object = None, description: object = None,
                    event_types: object = None, is_active: object = None) -> Endpoint:
    fields: dict[str, Any] = {}
    if event_types is not None:
        fields["event_types"] = check_event_types(event_types)
    if url is not None:
        safety.check(url)
        fields["url"] = str(url)
    if description is not None:
        fields["description"] = description.strip()[:200] if isinstance(description, str) else ""
    if is_active is not None:
        fields["is_active"] = bool(is_active)
        if is_active:
            fields["disabled_reason"] = ""
    fields["updated_at"] = clock.now()
    with transaction.atomic():
        Endpoint.objects.filter(pk=endpoint.pk).update(**fields)
        if fields.get("is_active") is False:
            _cancel_pending(endpoint)
    endpoint.refresh_from_db()
    return endpoint


def rotate_secret(endpoint: Endpoint) -> Endpoint:
    Endpoint.objects.filter(pk=endpoint.pk).update(secret=signing.new_secret(),
                                                   updated_at=clock.now())
    endpoint.refresh_from_db()
    return endpoint


def delete_endpoint(endpoint: Endpoint) -> None:
    Endpoint.objects.filter(pk=endpoint.pk).delete()


def _cancel_pending(endpoint: Endpoint) -> int:
    return Delivery.objects.filter(endpoint=endpoint, status=Delivery.Status.PENDING).update(
        status=Delivery.Status.CANCELLED, next_attempt_at=None, finished_at=clock.now())


# --- events ---------------------------------------------------------------------------

def _queue(delivery: Delivery, attempt: int, delay: float = 0) -> None:
    jobs.enqueue("webhooks.deliver", delay=delay, unique_key=f"webhooks:{delivery.pk}:{attempt}",
                 delivery_id=delivery.pk, attempt=attempt)


def emit(event_type: str, data: dict[str, Any], endpoints: Iterable[Endpoint],
         conversation_id: int | None = None, message_id: int | None = None) -> Event | None:
    """Write one event and its deliveries (in the caller's transaction); first tries on commit."""
    targets = [e for e in endpoints if e.wants(event_type) or event_type == events.TEST_EVENT]
    if not targets:
        return None
    now = clock.now()
    event_id = events.new_id()
    event = Event.objects.create(id=event_id, type=event_type, conversation_id=conversation_id,
                                 message_id=message_id,
                                 body=events.body(event_id, event_type, now, data), created_at=now)
    for endpoint in targets:
        delivery = Delivery.objects.create(event=event, endpoint=endpoint, next_attempt_at=now,
                                           created_at=now)
        _queue(delivery, 1)
    return event


def record_message(message: Message, active: list[Endpoint], seen: set[int] | None = None) -> list[Event]:
    """The webhook events of one stored support message (none if ``seen`` has it already)."""
    types = [t for t in events.types_for(message) if any(e.wants(t) for e in active)]
    if not types:
        return []
    if seen is None and Event.objects.filter(message_id=message.pk).exists():
        return []
    if seen is not None and message.pk in seen:
        return []
    conv = message.conversation
    data = {"conversation": events.conversation_data(conv)}
    if message.kind != Message.Kind.EVENT or message.text:
        data["message"] = events.message_data(message)
    out = []
    for event_type in types:
        event = emit(event_type, data, active, conversation_id=conv.pk, message_id=message.pk)
        if event is not None:
            out.append(event)
    return out


MESSAGES = "support.message"
BATCH = 500


def cursor() -> Cursor:
    """The scanner's cursor; created at the newest message (history is not replayed)."""
    found = Cursor.objects.filter(name=MESSAGES).first()
    if found is not None:
        return found
    newest = Message.objects.aggregate(m=Max("pk"))["m"] or 0
    try:
        with transaction.atomic():
            return Cursor.objects.create(name=MESSAGES, position=newest, updated_at=clock.now())
    except IntegrityError:
        return Cursor.objects.get(name=MESSAGES)


def fast_forward() -> None:
    """Nobody listens: move the cursor to the newest message without reading any."""
    cursor()
    newest = Message.objects.aggregate(m=Max("pk"))["m"] or 0
    Cursor.objects.filter(name=MESSAGES, position__lt=newest).update(position=newest,
                                                                    updated_at=clock.now())


class _Raced(Exception):
    """Another scanner moved the cursor first: this pass writes nothing."""


def _scan_batch(cutoff: Any) -> tuple[int, bool]:
    """One batch in one transaction: events, deliveries and the cursor's move, or nothing.
    Returns the events written and whether more rows may be waiting."""
    with transaction.atomic():
        at = cursor()
        rows = list(Message.objects.filter(pk__gt=at.position).order_by("pk")
                    .select_related("conversation", "conversation__agent")[:BATCH])
        ready = []
        for row in rows:
            if row.sent_at >= cutoff:
                break  # too fresh: a lower id may still be committing
            ready.append(row)
        if not ready:
            return 0, False
        active = list(Endpoint.objects.filter(is_active=True))
        seen = {i for i in Event.objects.filter(message_id__in=[m.pk for m in ready])
                .values_list("message_id", flat=True) if i is not None}
        count = sum(len(record_message(m, active, seen)) for m in ready)
        if not Cursor.objects.filter(name=MESSAGES, position=at.position).update(
                position=ready[-1].pk, updated_at=clock.now()):
            raise _Raced()
        return count, len(ready) == BATCH


def scan(batches: int = 20) -> int:
    """Turn new support messages into webhook events (the periodic job calls this)."""
    if not Endpoint.objects.filter(is_active=True).exists():
        fast_forward()
        return 0
    cutoff = clock.now() - timedelta(seconds=conf.get().scan_grace_seconds)
    total = 0
    for _ in range(batches):
        try:
            found, more = _scan_batch(cutoff)
        except _Raced:
            return total
        total += found
        if not more:
            return total
    return total


SLA_TYPES = {"warning": "conversation.sla_warning", "breach": "conversation.sla_breached"}


def record_sla_event(sla_event: Any) -> Event | None:
    """A service-level warning or breach (``servicelevels.Event``: conversation, target, kind)."""
    event_type = SLA_TYPES.get(getattr(sla_event, "kind", ""))
    if event_type is None:
        return None
    active = [e for e in Endpoint.objects.filter(is_active=True) if e.wants(event_type)]
    if not active:
        return None
    conv = Conversation.objects.select_related("agent").get(pk=sla_event.conversation_id)
    at = getattr(sla_event, "at", None)
    data = {"conversation": events.conversation_data(conv),
            "service_level": {"target": getattr(sla_event, "target", ""), "kind": sla_event.kind,
                              "at": at.isoformat() if at is not None else None}}
    return emit(event_type, data, active, conversation_id=conv.pk)


def send_test(endpoint: Endpoint, by: Any = None) -> Event:
    """A "webhook.test" event to this endpoint only (the button on the page and the API)."""
    name = getattr(by, "display_name", "") or str(by or "")
    with transaction.atomic():
        event = emit(events.TEST_EVENT, {"endpoint_id": endpoint.pk, "requested_by": name,
                                         "message": "This is a test event from walletdesk."},
                     [endpoint])
    assert event is not None
    return event


# --- delivery (job worker) ---------------------------------------------------------------

def delay_after(attempt: int) -> float:
    cfg = conf.get()
    base = cfg.base_delay_seconds * cfg.backoff_factor ** (attempt - 1)
    jitter = cfg.jitter
    return float(base * _rng.uniform(1 - jitter, 1 + jitter))


def headers_for(delivery: Delivery, attempt: int, body: bytes) -> dict[str, str]:
    timestamp = int(clock.now().timestamp())
    return {"Content-Type": "application/json; charset=utf-8", "User-Agent": USER_AGENT,
            signing.HEADER: signing.header(delivery.endpoint.secret, timestamp, body),
            "Walletdesk-Event-Id": delivery.event_id, "Walletdesk-Event-Type": delivery.event.type,
            "Walletdesk-Delivery-Attempt": str(attempt)}


def attempt(delivery_id: int, number: int) -> Attempt | None:
    """Try delivery ``delivery_id`` for the ``number``-th time (idempotent per number)."""
    delivery = Delivery.objects.select_related("event", "endpoint").filter(pk=delivery_id).first()
    if delivery is None or delivery.status != Delivery.Status.PENDING or delivery.attempts >= number:
        return None
    if not delivery.endpoint.is_active:
        Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.PENDING).update(
            status=Delivery.Status.CANCELLED, next_attempt_at=None, finished_at=clock.now())
        return None
    body = delivery.event.body.encode()
    started = clock.now()
    result = sender.post(delivery.endpoint.url, body, headers_for(delivery, number, body))
    try:
        with transaction.atomic():
            return _record(delivery, number, started, result)
    except IntegrityError:
        return None  # another worker recorded this try first


def _record(delivery: Delivery, number: int, started: Any, result: sender.Result) -> Attempt:
    now = clock.now()
    fields: dict[str, Any] = {"attempts": number, "last_status_code": result.status_code,
                              "next_attempt_at": None}
    next_at = None
    if result.ok:
        fields.update(status=Delivery.Status.SUCCEEDED, finished_at=now)
    elif result.status_code == 410 or number >= conf.get().max_attempts:
        fields.update(status=Delivery.Status.FAILED, finished_at=now)
    else:
        wait = delay_after(number)
        next_at = now + timedelta(seconds=wait)
        fields["next_attempt_at"] = next_at
        _queue(delivery, number + 1, delay=wait)
    row = Attempt.objects.create(delivery=delivery, number=number, started_at=started,
                                 duration_ms=result.duration_ms, status_code=result.status_code,
                                 response_snippet=result.snippet[:500], error=result.error[:300],
                                 next_attempt_at=next_at)
    Delivery.objects.filter(pk=delivery.pk).update(**fields)
    if result.status_code == 410:
        Endpoint.objects.filter(pk=delivery.endpoint_id).update(
            is_active=False, disabled_reason="gone", updated_at=now)
        _cancel_pending(delivery.endpoint)
    return row


def purge_old(now: Any = None) -> int:
    """Events (with their deliveries and attempt log) older than ``RETENTION_DAYS`` whose
    deliveries are all finished; a delivery still retrying keeps its event."""
    cutoff = (now or clock.now()) - timedelta(days=conf.get().retention_days)
    old = Event.objects.filter(created_at__lt=cutoff).exclude(
        deliveries__status=Delivery.Status.PENDING)
    deleted, _per_model = Event.objects.filter(pk__in=old.values("pk")).delete()
    return deleted
