"""Phone API (/api/v1/phone): slots of a line, booking and cancelling (customers), starting a
call, hanging up and logging the outcome (agents). Parse, authorize, call one service."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from walletdesk.accounts.auth import USER_AUTH, AuthedRequest
from walletdesk.core.errors import NotFound, Unauthenticated, ValidationFailed
from walletdesk.core.schemas import ErrorOut
from walletdesk.directory import ratelimit
from walletdesk.support import access
from walletdesk.support.errors import NotAllowed
from walletdesk.support.models import Agent

from . import queries, services, webhook
from .errors import CallbackNotFound
from .models import Call
from .schemas import (
    AgentCallbackOut,
    CallbackOut,
    CallOut,
    ChangedOut,
    DueOut,
    SlotsOut,
    StartedOut,
)

router = Router(tags=["phone"])
BOOK_LIMIT = ratelimit.Limit("phone_book", 10, 3600)


class BookIn(Schema):
    line_id: int
    slot: str
    number: str
    topic: str = "general"
    message: str
    conversation_id: int | None = None


class OutcomeIn(Schema):
    outcome: str
    notes: str = ""


def _agent(request: AuthedRequest) -> Agent:
    agent = access.agent_of(request.user)
    if agent is None:
        raise NotAllowed()
    return agent


def _customer(request: AuthedRequest) -> Any:
    if access.agent_of(request.user) is not None:
        raise NotAllowed()
    return request.user


class ProviderEventIn(Schema):
    call_id: str
    status: str


@router.post("/provider/events", response={200: ChangedOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
             auth=None)
def provider_event(request: HttpRequest, body: ProviderEventIn) -> dict[str, Any]:
    """A real telephony provider's status event (signed; see ``webhook.py``)."""
    if not webhook.secret():
        raise NotFound()
    if not webhook.verify_request(request):
        raise Unauthenticated(code="bad_signature")
    if body.status not in services.AFTER:
        raise ValidationFailed(code="unknown_call_status")
    try:
        changed = services.on_call_event(body.call_id[:80], body.status)
    except services.UnknownCall:
        raise NotFound(code="unknown_call") from None
    return {"changed": changed}


@router.get("/lines/{line_id}/slots", response=SlotsOut, auth=USER_AUTH)
def slots(request: AuthedRequest, line_id: int) -> dict[str, Any]:
    ch = services.line(line_id)
    return {"line_id": ch.pk, "time_zone": ch.hours.time_zone if ch.hours else ch.region.time_zone,
            "slots": [{"start": s.start.isoformat(), "left": s.left} for s in services.offered(ch)]}


@router.post("/callbacks", response={201: CallbackOut}, auth=USER_AUTH)
def book(request: AuthedRequest, body: BookIn) -> tuple[int, dict[str, Any]]:
    user = _customer(request)
    ratelimit.hit(BOOK_LIMIT, ratelimit.client_key(request))
    conv = None
    if body.conversation_id is not None:
        conv, role = access.get_for(body.conversation_id, user)
        if role != "customer":
            raise CallbackNotFound()
    cb = services.book(user, line_id=body.line_id, slot=body.slot, number=body.number,
                       topic=body.topic, message=body.message, conversation=conv)
    return 201, queries.customer_dict(cb)


@router.get("/callbacks", response=list[CallbackOut], auth=USER_AUTH)
def mine(request: AuthedRequest) -> list[dict[str, Any]]:
    return [queries.customer_dict(cb) for cb in queries.of_customer(_customer(request))]


@router.get("/callbacks/{callback_id}", response=CallbackOut | AgentCallbackOut, auth=USER_AUTH)
def get_callback(request: AuthedRequest, callback_id: int) -> dict[str, Any]:
    if access.agent_of(request.user) is not None:
        return queries.agent_dict(services.callback_for_agent(request.user, callback_id))
    return queries.customer_dict(services.callback_for_customer(request.user, callback_id))


@router.post("/callbacks/{callback_id}/cancel", response=CallbackOut, auth=USER_AUTH)
def cancel(request: AuthedRequest, callback_id: int) -> dict[str, Any]:
    cb = services.callback_for_customer(_customer(request), callback_id)
    return queries.customer_dict(services.cancel(request.user, cb))


@router.get("/due", response=list[DueOut], auth=USER_AUTH)
def due(request: AuthedRequest) -> list[dict[str, Any]]:
    """For the console's queue: when each open callback the agent can see is due."""
    _agent(request)
    return [{"conversation_id": cb.conversation_id, "slot_start": cb.slot_start.isoformat(),
             "status": cb.status} for cb in queries.open_for_agent(request.user)]


@router.get("/conversations/{conversation_id}/callback", response=AgentCallbackOut | None,
            auth=USER_AUTH)
def for_conversation(request: AuthedRequest, conversation_id: int) -> dict[str, Any] | None:
    """The console's view of a conversation's latest callback: `null` when it has none (a
    conversation without a callback is the normal case, not a missing resource). An unknown
    conversation, or one the caller may not see, is still 404."""
    conv, role = access.get_for(conversation_id, request.user)
    access.require_staff(role)
    cb = conv.callbacks.order_by("-slot_start").first()
    return queries.agent_dict(cb) if cb is not None else None


@router.post("/callbacks/{callback_id}/start", response=StartedOut, auth=USER_AUTH)
def start(request: AuthedRequest, callback_id: int) -> dict[str, Any]:
    """The agent starts the call; the answer is the only place the agent sees the session code."""
    agent = _agent(request)
    call, code = services.start_call(agent, services.callback_for_agent(request.user, callback_id))
    return {"call": queries.call_dict(call), "session_code": code}


def _call(request: AuthedRequest, call_id: int) -> tuple[Agent, Call]:
    agent = _agent(request)
    call = Call.objects.select_related("agent", "conversation").filter(pk=call_id, agent=agent).first()
    if call is None:
        raise CallbackNotFound()
    return agent, call


@router.get("/calls/{call_id}", response=CallOut, auth=USER_AUTH)
def get_call(request: AuthedRequest, call_id: int) -> dict[str, Any]:
    return queries.call_dict(_call(request, call_id)[1])


@router.post("/calls/{call_id}/hangup", response=CallOut, auth=USER_AUTH)
def hang_up(request: AuthedRequest, call_id: int) -> dict[str, Any]:
    agent, call = _call(request, call_id)
    return queries.call_dict(services.hang_up(agent, call))


@router.post("/calls/{call_id}/outcome", response=CallOut, auth=USER_AUTH)
def outcome(request: AuthedRequest, call_id: int, body: OutcomeIn) -> dict[str, Any]:
    agent, call = _call(request, call_id)
    return queries.call_dict(services.log_outcome(agent, call, body.outcome, body.notes))
