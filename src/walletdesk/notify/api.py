"""Development outbox (only with WALLETDESK_DEV_OUTBOX=1, never in production)."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.http import HttpRequest
from ninja import Router, Schema

from walletdesk.core.errors import NotFound

from . import services

router = Router(tags=["notify"])


class OutboxOut(Schema):
    channel: str
    to: str
    subject: str
    body: str
    created_at: datetime


@router.get("/outbox", response=list[OutboxOut], auth=None)
def outbox(request: HttpRequest, to: str = "") -> list[OutboxOut]:
    if not settings.DEV_OUTBOX:
        raise NotFound()
    return [OutboxOut(channel=m.channel, to=m.to, subject=m.subject, body=m.body,
                      created_at=m.created_at) for m in services.outbox_for(to)]
