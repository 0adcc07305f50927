"""Support API (/api/v1/support): parse, authorize, call one service, serialize."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import get_language
from ninja import File, Router, Schema
from ninja.files import UploadedFile
from ninja.security import APIKeyHeader

from walletdesk.accounts.auth import USER_AUTH, ApiAuth, AuthedRequest
from walletdesk.accounts.models import User
from walletdesk.core import clock
from walletdesk.core.schemas import ErrorOut
from walletdesk.directory import ratelimit
from walletdesk.notify.client import describe_request as describe_client

from . import access, chatrate, events, queries
from .errors import InvalidAttachment, InvalidTransfer, NotAllowed
from .models import Agent
from .schemas import (
    AgentStatusOut,
    ConversationOut,
    EarlierOut,
    LiveCustomerOut,
    MessageOut,
    OpenedOut,
    PostedOut,
    SentOut,
)
from .services import chat, conversations, guest, routing

router = Router(tags=["support"])



# What a support operation may answer besides its success (and the API's common 400/401/422/503):
# not allowed, not found (or not yours), a conflict with the conversation's state, rate-limited.
ERRORS = {403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 429: ErrorOut}


class GuestToken(APIKeyHeader):
    """A guest's signed conversation key (the conversation checks it; no cookie, so no CSRF)."""

    param_name = "X-Guest-Token"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        return key if key and access.guest_conversation_id(key[:500]) else None

    @classmethod
    def key_of(cls, request: HttpRequest) -> str:
        """The guest's key the request carries ("" without one), whichever credential let it
        in: the conversation checks it beside the signed-in user, if any."""
        return request.headers.get(cls.param_name, "")[:500]


# A bearer token, else a guest's key, else the browser's session (in that order).
ANY_AUTH = [ApiAuth(session=False), GuestToken(), ApiAuth(bearer=False)]


class CallerRequest(HttpRequest):
    """What a handler behind ``ANY_AUTH`` receives (a type for handlers; no new behaviour):
    ``request.auth`` is the signed-in ``User`` or the guest's key, ``request.user`` that user
    or anonymous, and ``GuestToken.key_of(request)`` the guest's key."""

    auth: User | str


class OpenIn(Schema):
    channel: str = "chat"
    topic: str = "general"
    message: str
    transaction_id: str | None = None


class GuestIn(Schema):
    contact: str
    topic: str = "general"
    message: str
    language: str = "zh-hans"
    region: str = "CN"


class GuestCodeIn(Schema):
    code: str


class MessageIn(Schema):
    text: str
    client_id: str | None = None
    private: bool = False


class HandoverIn(Schema):
    employee_id: str | None = None
    skill: str | None = None
    note: str = ""


class RateIn(Schema):
    rating: int
    comment: str = ""


class StatusIn(Schema):
    status: str


def _opened(o: conversations.Opened) -> dict[str, Any]:
    out = {"id": o.conversation.pk, "reference": o.conversation.reference, "status": o.conversation.status,
           "queue_position": o.position, "estimated_wait_seconds": o.estimated_wait_seconds,
           "open_now": o.open_now, "next_open_at": o.next_open_at.isoformat() if o.next_open_at else None,
           "callback_offered": not o.open_now}
    if o.guest_token:
        out["guest_token"] = o.guest_token
    return out


def _conv(request: HttpRequest, conversation_id: int) -> tuple[Any, str]:
    return access.get_for(conversation_id, request.user, GuestToken.key_of(request))


def _writes_as(role: str, agent: Agent | None) -> int | None:
    """An agent writes only in a conversation assigned to them (the storing statement checks);
    a supervisor anywhere; a customer in their own (already checked)."""
    return agent.pk if role == "agent" and agent is not None else None


def _agent(request: AuthedRequest) -> Agent:
    agent = access.agent_of(request.user)
    if agent is None:
        raise NotAllowed()
    return agent


@router.post("/conversations", response={201: OpenedOut, **ERRORS}, auth=USER_AUTH, exclude_unset=True)
def open_conversation(request: AuthedRequest, body: OpenIn) -> tuple[int, dict[str, Any]]:
    ratelimit.hit(conversations.OPEN_LIMIT, ratelimit.client_key(request))
    opened = conversations.open_conversation(request.user, topic=body.topic,
                                             message=body.message,
                                             transaction_id=body.transaction_id or "",
                                             channel="chat", client=describe_client(request))
    return 201, _opened(opened)


@router.get("/conversations", response={200: list[ConversationOut], **ERRORS}, auth=USER_AUTH,
            exclude_unset=True)
def list_conversations(request: AuthedRequest, status: str = "", channel: str = "",
                       reference: str = "") -> list[dict[str, Any]]:
    """``reference``: the one conversation with that reference, if the caller may see it (the
    console's deep link ``?c=<reference>``); an empty list otherwise, whether it exists or not."""
    role = "agent" if access.agent_of(request.user) else "customer"
    return [queries.conversation_dict(c, role)
            for c in queries.listing(request.user, status=status[:10], channel=channel[:10],
                                     reference=reference.strip().upper()[:24])]


@router.post("/guest/conversations", response={201: OpenedOut, **ERRORS}, auth=None, exclude_unset=True)
def open_guest(request: HttpRequest, body: GuestIn) -> tuple[int, dict[str, Any]]:
    ratelimit.hit(guest.GUEST_LIMIT, ratelimit.client_key(request))
    opened = guest.open_guest(contact=body.contact, topic=body.topic, message=body.message,
                              language=body.language, region=body.region[:8])
    return 201, _opened(opened)


@router.post("/conversations/{conversation_id}/guest/verify", response={200: ConversationOut, **ERRORS},
             auth=None, exclude_unset=True)
def verify_guest(request: HttpRequest, conversation_id: int, body: GuestCodeIn) -> dict[str, Any]:
    conv, role = _conv(request, conversation_id)
    conv = guest.verify(conv, body.code)
    return queries.conversation_dict(conv, role)


@router.post("/conversations/{conversation_id}/guest/resend", response={200: SentOut, **ERRORS}, auth=None)
def resend_guest(request: HttpRequest, conversation_id: int) -> dict[str, Any]:
    conv, _role = _conv(request, conversation_id)
    guest.send_code(conv)
    return {"sent": True}


@router.get("/conversations/{conversation_id}", response={200: ConversationOut, **ERRORS}, auth=ANY_AUTH,
            exclude_unset=True)
def get_conversation(request: CallerRequest, conversation_id: int) -> dict[str, Any]:
    conv, role = _conv(request, conversation_id)
    return queries.conversation_dict(conv, role)


@router.get("/conversations/{conversation_id}/earlier", response={200: list[EarlierOut], **ERRORS},
            auth=USER_AUTH)
def earlier_conversations(request: AuthedRequest, conversation_id: int) -> list[dict[str, Any]]:
    """The customer's other conversations, for the desk (403 ``support_forbidden`` for a customer)."""
    conv, role = _conv(request, conversation_id)
    access.require_staff(role)
    return queries.earlier_with(conv, for_assigned=access.agent_of(request.user),
                                supervisor=role == "supervisor")


@router.get("/conversations/{conversation_id}/customer", response={200: LiveCustomerOut, **ERRORS},
            auth=USER_AUTH)
def live_customer(request: AuthedRequest, conversation_id: int) -> dict[str, Any]:
    """The customer's account, holds and recent transactions as they are now, for the agent the
    conversation is assigned to or a supervisor (403 ``support_forbidden`` for a customer)."""
    conv, role = _conv(request, conversation_id)
    access.require_staff(role)
    ctx = queries.live_customer(conv, for_assigned=access.agent_of(request.user),
                                supervisor=role == "supervisor")
    return {"context": ctx, "as_of": clock.now().isoformat()}


@router.get("/conversations/{conversation_id}/messages", response={200: list[MessageOut], **ERRORS},
            auth=ANY_AUTH, exclude_unset=True)
def list_messages(request: CallerRequest, conversation_id: int, after_seq: int = 0) -> list[dict[str, Any]]:
    conv, role = _conv(request, conversation_id)
    return queries.messages_for(conv, role, after_seq)


@router.post("/conversations/{conversation_id}/messages", response={201: PostedOut, **ERRORS},
             auth=ANY_AUTH, exclude_unset=True)
def post_message(request: CallerRequest, conversation_id: int, body: MessageIn) -> tuple[int, dict[str, Any]]:
    conv, role = _conv(request, conversation_id)
    agent = access.agent_of(request.user) if role != "customer" else None
    if body.private:
        access.require_staff(role)
    chatrate.hit(chatrate.limit_for(role), chatrate.who(request.user, conv.pk))
    posted = chat.post(conv, request.user, body.text, client_id=body.client_id, agent=agent,
                       note=body.private, assigned_to=_writes_as(role, agent))
    return 201, {**events.message_frame(posted.message, get_language()),
                 "duplicate": posted.duplicate,
                 "masked": posted.masked}


@router.post("/conversations/{conversation_id}/attachments", response={201: MessageOut, **ERRORS},
             auth=ANY_AUTH, exclude_unset=True)
def post_image(request: CallerRequest, conversation_id: int,
               file: File[UploadedFile]) -> tuple[int, dict[str, Any]]:
    conv, role = _conv(request, conversation_id)
    if file.size is None or file.size > chat.MAX_IMAGE_BYTES:
        raise InvalidAttachment()
    agent = access.agent_of(request.user) if role != "customer" else None
    posted = chat.post_image(conv, request.user, file.read(), agent=agent,
                             client_id=request.POST.get("client_id") or None,
                             assigned_to=_writes_as(role, agent))
    return 201, events.message_frame(posted.message, get_language())


@router.post("/conversations/{conversation_id}/accept", response={200: ConversationOut, **ERRORS},
             auth=USER_AUTH, exclude_unset=True)
def accept(request: AuthedRequest, conversation_id: int) -> dict[str, Any]:
    agent = _agent(request)
    conv, role = _conv(request, conversation_id)
    access.require_staff(role)
    return queries.conversation_dict(conversations.accept(agent, conv), role)


@router.post("/conversations/{conversation_id}/transfer", response={200: ConversationOut, **ERRORS},
             auth=USER_AUTH, exclude_unset=True)
def transfer(request: AuthedRequest, conversation_id: int, body: HandoverIn) -> dict[str, Any]:
    agent = _agent(request)
    conv, role = _conv(request, conversation_id)
    access.require_staff(role)
    to = (Agent.objects.filter(employee_id=body.employee_id.upper()[:12]).first()
          if body.employee_id else None)
    if body.employee_id and to is None:
        raise InvalidTransfer()
    conv = conversations.transfer(agent, conv, to_agent=to, to_skill=body.skill, note=body.note)
    return queries.conversation_dict(conv, role)


@router.post("/conversations/{conversation_id}/take-over", response={200: ConversationOut, **ERRORS},
             auth=USER_AUTH, exclude_unset=True)
def take_over(request: AuthedRequest, conversation_id: int) -> dict[str, Any]:
    """A supervisor takes a live conversation from its agent (ADR 0128); an agent who may not
    see the conversation gets 404, one who may (their own, or queued) 403."""
    agent = _agent(request)
    conv, role = _conv(request, conversation_id)
    if role != "supervisor":
        raise NotAllowed()
    return queries.conversation_dict(conversations.take_over(agent, conv), role)


@router.post("/conversations/{conversation_id}/resolve", response={200: ConversationOut, **ERRORS},
             auth=USER_AUTH, exclude_unset=True)
def resolve(request: AuthedRequest, conversation_id: int) -> dict[str, Any]:
    agent = _agent(request)
    conv, role = _conv(request, conversation_id)
    access.require_staff(role)
    return queries.conversation_dict(conversations.resolve(agent, conv), role)


@router.post("/conversations/{conversation_id}/rating", response={200: ConversationOut, **ERRORS},
             auth=ANY_AUTH, exclude_unset=True)
def rate(request: CallerRequest, conversation_id: int, body: RateIn) -> dict[str, Any]:
    conv, role = _conv(request, conversation_id)
    if role != "customer":
        raise NotAllowed()
    return queries.conversation_dict(conversations.rate(conv, body.rating, body.comment), role)


@router.post("/conversations/{conversation_id}/callback", response={200: ConversationOut, **ERRORS},
             auth=ANY_AUTH, exclude_unset=True)
def callback(request: CallerRequest, conversation_id: int) -> dict[str, Any]:
    conv, role = _conv(request, conversation_id)
    if role != "customer":
        raise NotAllowed()
    return queries.conversation_dict(conversations.request_callback(conv), role)


class ColleagueOut(Schema):
    employee_id: str
    name: str
    on_duty: bool
    state: str
    state_label: str


@router.get("/agent/colleagues", response={200: list[ColleagueOut], **ERRORS}, auth=USER_AUTH)
def colleagues(request: AuthedRequest) -> list[dict[str, Any]]:
    """The other agents and whether each can take a chat now (the console's transfer list)."""
    from .views import colleagues as rows

    return [{**r, "name": r["shown_name"]} for r in rows(_agent(request))]


@router.post("/agent/status", response={200: AgentStatusOut, **ERRORS}, auth=USER_AUTH)
def agent_status(request: AuthedRequest, body: StatusIn) -> dict[str, Any]:
    agent = _agent(request)
    if body.status not in Agent.Status.values:
        raise NotAllowed(code="unknown_status")
    routing.set_status(agent, body.status)
    return {"employee_id": agent.employee_id, "status": agent.status}
