"""Service-level API (/api/v1/sla): timers of the conversations an agent sees, recent events
for supervisors, the policies."""

from __future__ import annotations

from typing import Any

from ninja import Field, Router, Schema

from walletdesk.accounts.auth import USER_AUTH, AuthedRequest
from walletdesk.support import access, queries
from walletdesk.support.errors import NotAllowed

from . import services
from .models import Policy

router = Router(tags=["service levels"])


class TimerOut(Schema):
    conversation_id: int
    reference: str
    state: str
    priority: int
    started_at: str | None
    first_response_at: str | None
    first_response_warn_at: str | None
    first_response_due: str | None
    resolution_warn_at: str | None
    resolution_due: str | None
    paused: bool
    stopped_at: str | None


class SlaEventOut(Schema):
    conversation_id: int
    reference: str
    target: str = Field(description="first_response or resolution")
    kind: str = Field(description="warning or breach")
    at: str
    raised_at: str


class PolicyOut(Schema):
    priority: int
    first_response_minutes: int
    resolution_minutes: int
    warn_percent: int


def _agent(request: AuthedRequest) -> Any:
    agent = access.agent_of(request.user)
    if agent is None:
        raise NotAllowed()
    return agent


@router.get("/timers", response=list[TimerOut], auth=USER_AUTH)
def timers(request: AuthedRequest) -> list[dict[str, Any]]:
    """Running timers of the conversations this agent may see (queue, own; supervisors: all)."""
    _agent(request)
    ids = list(queries.visible_to(request.user).exclude(status__in=services.ENDED)
               .values_list("pk", flat=True)[:500])
    return [services.timer_dict(t) for t in services.open_timers(ids)]


@router.get("/events", response=list[SlaEventOut], auth=USER_AUTH)
def events(request: AuthedRequest, limit: int = 50) -> list[dict[str, Any]]:
    _agent(request)
    if not access.is_supervisor(request.user):
        raise NotAllowed()
    return [{"conversation_id": e.conversation_id, "reference": e.conversation.reference,
             "target": e.target, "kind": e.kind, "at": e.at.isoformat(), "raised_at": e.raised_at.isoformat()}
            for e in services.recent_events(max(1, min(limit, 200)))]


@router.get("/policies", response=list[PolicyOut], auth=USER_AUTH)
def policies(request: AuthedRequest) -> list[dict[str, Any]]:
    _agent(request)
    return [{"priority": p.priority, "first_response_minutes": p.first_response_minutes,
             "resolution_minutes": p.resolution_minutes, "warn_percent": p.warn_percent}
            for p in Policy.objects.all()]
