from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from walletdesk.accounts import events
from walletdesk.accounts.auth import USER_AUTH

router = Router(tags=["security"])


class EventOut(Schema):
    kind: str
    at: datetime
    ip: str | None
    data: dict[str, Any]


@router.get("/events", response=list[EventOut], auth=USER_AUTH)
def security_events(request: HttpRequest, limit: int = 100) -> list[EventOut]:
    rows = events.events_of(request.user, limit=max(1, min(limit, 500)))  # type: ignore[arg-type]
    return [EventOut(kind=e.kind, at=e.at, ip=e.ip, data=e.data) for e in rows]
