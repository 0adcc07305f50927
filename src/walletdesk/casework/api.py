"""Casework API, mounted at /api/v1/support beside the support router (and one merchant
route at /api/v1/merchant). Parse, authorize, call one service, serialize."""

from __future__ import annotations

from typing import Any

from ninja import Router, Schema

from walletdesk.accounts.auth import USER_AUTH, AuthedRequest
from walletdesk.accounts.netutil import client_ip
from walletdesk.support import access
from walletdesk.support.api import ANY_AUTH, CallerRequest, GuestToken

from . import queries, services
from .models import Verification
from .schemas import ActionOut, ApprovalOut, LatestVerificationOut, PanelOut, VerificationOut
from .services import verification

router = Router(tags=["support actions"])
merchant_router = Router(tags=["merchant"])


class VerificationIn(Schema):
    method: str = "in_app"


class ConfirmIn(Schema):
    code: str | None = None


class ActionIn(Schema):
    action: str
    reason: str = ""
    transaction_id: str | None = None
    hold_id: int | None = None
    amount: int | None = None
    amount_major: str | None = None
    note: str | None = None


class RejectIn(Schema):
    reason: str = ""


def _verification(v: Verification) -> dict[str, Any]:
    out = verification.as_dict(v)
    assert out is not None
    return out


@router.post("/conversations/{conversation_id}/verification", response={201: VerificationOut},
             auth=USER_AUTH)
def start_verification(request: AuthedRequest, conversation_id: int,
                       body: VerificationIn | None = None) -> tuple[int, dict[str, Any]]:
    agent = services.agent_for(request.user)
    v = verification.start(agent, conversation_id, (body.method if body else "in_app"))
    return 201, _verification(v)


@router.get("/conversations/{conversation_id}/verification", response=LatestVerificationOut,
            auth=ANY_AUTH)
def current_verification(request: CallerRequest, conversation_id: int) -> dict[str, Any]:
    """The latest verification of a conversation, for its customer (or its staff)."""
    conv, _role = access.get_for(conversation_id, request.user, GuestToken.key_of(request))
    return {"verification": verification.as_dict(verification.latest(conv))}


@router.post("/verifications/{verification_id}/confirm", response=VerificationOut, auth=ANY_AUTH)
def confirm_verification(request: CallerRequest, verification_id: int,
                         body: ConfirmIn | None = None) -> dict[str, Any]:
    v = verification.confirm(verification_id, request.user, GuestToken.key_of(request),
                             body.code if body else None, ip=client_ip(request))
    return _verification(v)


@router.post("/conversations/{conversation_id}/actions", response={201: ActionOut}, auth=USER_AUTH,
             exclude_unset=True)
def request_action(request: AuthedRequest, conversation_id: int,
                   body: ActionIn) -> tuple[int, dict[str, Any]]:
    raw = body.dict(exclude={"action", "reason"}, exclude_none=True)
    act = services.request(request.user, conversation_id, body.action, body.reason, raw)
    return 201, services.as_dict(act)


@router.get("/conversations/{conversation_id}/casework", response=PanelOut, auth=USER_AUTH,
            exclude_unset=True)
def panel(request: AuthedRequest, conversation_id: int) -> dict[str, Any]:
    """The panel of a conversation the caller may see (support's rule: an agent their own and
    the queue, a supervisor any): another agent's conversation is 404, as in support's API."""
    agent = services.agent_for(request.user)
    conv, _role = access.get_for(conversation_id, request.user)
    return queries.panel(agent, conv)


@router.get("/actions/approvals", response=list[ApprovalOut], auth=USER_AUTH, exclude_unset=True)
def approvals(request: AuthedRequest) -> list[dict[str, Any]]:
    return queries.approval_queue(services.agent_for(request.user))


@router.post("/actions/{action_id}/approve", response=ActionOut, auth=USER_AUTH, exclude_unset=True)
def approve(request: AuthedRequest, action_id: int) -> dict[str, Any]:
    return services.as_dict(services.approve(request.user, action_id))


@router.post("/actions/{action_id}/reject", response=ActionOut, auth=USER_AUTH, exclude_unset=True)
def reject(request: AuthedRequest, action_id: int, body: RejectIn) -> dict[str, Any]:
    return services.as_dict(services.reject(request.user, action_id, body.reason))


# GET /api/v1/merchant/refund-requests (support's requests and the customers' own) lives in
# disputes/api.py since issue 19; it lists casework.queries.refund_requests_for too.
