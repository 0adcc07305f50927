"""Reading endpoints and the delivery log (JSON shapes shared by the API and the pages)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from .models import Attempt, Delivery, Endpoint

LOG_LIMIT = 100


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def endpoint_dict(e: Endpoint, *, with_secret: bool = False) -> dict[str, Any]:
    return {"id": e.pk, "url": e.url, "description": e.description, "event_types": e.event_types,
            "is_active": e.is_active, "disabled_reason": e.disabled_reason or None,
            "secret": e.secret if with_secret else e.masked_secret,
            "created_at": _iso(e.created_at)}


def attempt_dict(a: Attempt) -> dict[str, Any]:
    return {"attempt": a.number, "started_at": _iso(a.started_at), "duration_ms": a.duration_ms,
            "status_code": a.status_code, "response": a.response_snippet, "error": a.error or None,
            "next_attempt_at": _iso(a.next_attempt_at)}


def deliveries(endpoint: Endpoint, limit: int = LOG_LIMIT) -> list[Delivery]:
    return list(Delivery.objects.filter(endpoint=endpoint).select_related("event")
                .prefetch_related("attempt_log").order_by("-created_at", "-pk")[:limit])


def delivery_dict(d: Delivery) -> dict[str, Any]:
    return {"id": d.pk, "event_id": d.event_id, "event_type": d.event.type, "status": d.status,
            "attempts": d.attempts, "last_status_code": d.last_status_code,
            "next_attempt_at": _iso(d.next_attempt_at), "created_at": _iso(d.created_at),
            "finished_at": _iso(d.finished_at),
            "log": [attempt_dict(a) for a in d.attempt_log.all()]}
