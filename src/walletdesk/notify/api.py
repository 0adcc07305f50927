"""Development outbox (only with WALLETDESK_DEV_OUTBOX=1, never in production)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.http import HttpRequest
from ninja import Field, Router, Schema

from walletdesk.core.errors import NotFound
from walletdesk.core.schemas import ErrorOut

from . import client, services
from .models import Kind, Notification, PushSubscription
from .services import inbox, push

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


# --- the notification centre and Web Push (/api/v1/notifications) ---------------------

# Every endpoint needs a signed-in user: walletdesk/api.py mounts this router with the
# bearer-token and session authentication (notify does not import accounts, which imports it).
inbox_router = Router(tags=["notifications"])


class SignedInRequest(HttpRequest):
    """What a handler of the notification centre receives: ``request.auth`` (and
    ``request.user``) is the signed-in user (accounts' ``AuthedRequest``, named here without
    importing accounts, which imports notify)."""

    auth: AbstractBaseUser


class NotificationOut(Schema):
    id: int
    kind: str
    kind_label: str
    title: str
    body: str
    link: str
    action_label: str = Field(description="a second step the notification offers as a button "
                              "(\"Freeze my account\"); empty when none")
    action_link: str = Field(description="the page of this site that button opens")
    created_at: datetime
    read: bool


class NotificationListOut(Schema):
    unread: int
    items: list[NotificationOut]


class ReadAllOut(Schema):
    marked: int
    unread: int


class PushKeysIn(Schema):
    p256dh: str
    auth: str


class SubscriptionIn(Schema):
    endpoint: str
    keys: PushKeysIn
    kinds: list[str] | None = None
    device: str = ""


class PushEndpointIn(Schema):
    endpoint: str


class KindsIn(Schema):
    kinds: list[str]


class KindOut(Schema):
    kind: str
    label: str
    on: bool


class PushOut(Schema):
    public_key: str
    devices: int
    kinds: list[KindOut]


def _out(n: Notification) -> NotificationOut:
    return NotificationOut(id=n.pk, kind=n.kind, kind_label=str(Kind(n.kind).label), title=n.title,
                           body=n.body, link=n.link, action_label=n.action_label,
                           action_link=n.action_link, created_at=n.created_at,
                           read=n.read_at is not None)


def _push_state(user: Any) -> PushOut:
    on = set(push.kinds_of(user))
    return PushOut(public_key=push.public_key(),
                   devices=PushSubscription.objects.filter(user=user).count(),
                   kinds=[KindOut(kind=k.value, label=str(k.label), on=k.value in on)
                          for k in Kind])


@inbox_router.get("", response=NotificationListOut)
def notifications(request: SignedInRequest, before: int | None = None,
                  limit: int = 50) -> NotificationListOut:
    items = inbox.list_for(request.user, limit=max(1, min(limit, 100)), before=before)
    return NotificationListOut(unread=inbox.unread_count(request.user),
                               items=[_out(n) for n in items])


@inbox_router.post("/{notification_id}/read", response={200: NotificationOut, 404: ErrorOut})
def read_one(request: SignedInRequest, notification_id: int) -> NotificationOut:
    return _out(inbox.mark_read(request.user, notification_id))


@inbox_router.post("/read-all", response=ReadAllOut)
def read_all(request: SignedInRequest) -> ReadAllOut:
    marked = inbox.mark_all_read(request.user)
    return ReadAllOut(marked=marked, unread=inbox.unread_count(request.user))


@inbox_router.get("/push", response=PushOut)
def push_settings(request: SignedInRequest) -> PushOut:
    return _push_state(request.user)


@inbox_router.post("/push/subscriptions", response={201: PushOut, 400: ErrorOut})
def subscribe(request: SignedInRequest, body: SubscriptionIn) -> tuple[int, PushOut]:
    push.subscribe(request.user, body.endpoint, body.keys.p256dh, body.keys.auth,
                   device=body.device or client.describe_browser(request)["summary"])
    if body.kinds is not None:
        push.set_kinds(request.user, body.kinds)
    return 201, _push_state(request.user)


@inbox_router.post("/push/unsubscribe", response={200: PushOut, 400: ErrorOut})
def unsubscribe(request: SignedInRequest, body: PushEndpointIn) -> PushOut:
    push.unsubscribe(request.user, body.endpoint)
    return _push_state(request.user)


@inbox_router.put("/push/kinds", response={200: PushOut, 400: ErrorOut})
def set_kinds(request: SignedInRequest, body: KindsIn) -> PushOut:
    push.set_kinds(request.user, body.kinds)
    return _push_state(request.user)
