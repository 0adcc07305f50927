"""/api/v1/troubleshoot: the four troubleshooters and "talk to a person".

``GET /lock`` (logged in), ``POST /lock/explain`` (anyone: the answer goes to the
contact on file), ``GET /{payment|refund|fee}?transaction_id=`` and
``POST /{problem}/talk``. Findings carry their stable code, their parameters and
their text in the caller's language.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from walletdesk.accounts.auth import USER_AUTH, AuthedRequest
from walletdesk.core.schemas import LOGIN, ErrorOut
from walletdesk.directory import ratelimit
from walletdesk.support.services import conversations

from . import services, texts
from .errors import UnknownProblem
from .findings import Diagnosis, Finding

router = Router(tags=["troubleshoot"])


class ExplainIn(Schema):
    login: str = Field(description="email address or mobile number", json_schema_extra=LOGIN)


class TalkIn(Schema):
    transaction_id: str | None = None
    message: str = ""


class FindingOut(Schema):
    code: str = Field(description="stable code of what was found")
    params: dict[str, Any] = Field(description="the finding's values (times as ISO 8601)")
    text: str = Field(description="the finding in the caller's language")


class DiagnosisOut(Schema):
    problem: str = Field(description="lock, payment, refund or fee")
    transaction_id: str | None
    checked_at: str
    findings: list[FindingOut]
    next_step: FindingOut
    alternatives: list[FindingOut]
    title: str


class ExplainOut(Schema):
    status: str = Field(description='always "sent_if_on_file"')
    message: str


class TalkOut(Schema):
    conversation_id: int
    reference: str
    topic: str
    transaction_id: str | None
    chat_url: str


def _finding(f: Finding) -> dict[str, Any]:
    return {**f.as_json(), "text": texts.text(f)}


def _diagnosis(d: Diagnosis) -> dict[str, Any]:
    return {**d.as_json(), "title": str(texts.TITLES[d.problem]),
            "findings": [_finding(f) for f in d.findings],
            "next_step": _finding(d.next_step),
            "alternatives": [_finding(f) for f in d.alternatives]}


@router.get("/lock", response=DiagnosisOut, auth=USER_AUTH)
def lock(request: AuthedRequest) -> dict[str, Any]:
    return _diagnosis(services.diagnose(request.user, "lock"))


@router.post("/lock/explain", response={202: ExplainOut, 429: ErrorOut}, auth=None)
def explain_lock(request: HttpRequest, body: ExplainIn) -> tuple[int, dict[str, Any]]:
    """For someone who cannot log in: the same answer whatever the login; the diagnosis
    goes to that address if an active account uses it."""
    services.explain_lock_to_owner(body.login, ratelimit.client_key(request))
    return 202, {"status": "sent_if_on_file",
                 "message": _("If an account uses this address, we have sent it what we found "
                              "and the one way to get back in that works now.")}


@router.get("/{problem}", response=DiagnosisOut, auth=USER_AUTH)
def diagnose(request: AuthedRequest, problem: str, transaction_id: str = "") -> dict[str, Any]:
    if problem not in ("payment", "refund", "fee"):
        raise UnknownProblem()
    return _diagnosis(services.diagnose(request.user, problem, transaction_id))


@router.post("/{problem}/talk", response={201: TalkOut, 429: ErrorOut}, auth=USER_AUTH)
def talk(request: AuthedRequest, problem: str, body: TalkIn) -> tuple[int, dict[str, Any]]:
    ratelimit.hit(conversations.OPEN_LIMIT, ratelimit.client_key(request))
    opened = services.talk_to_person(request.user, problem,
                                     transaction_id=body.transaction_id or "",
                                     message=body.message)
    conv = opened.conversation
    return 201, {"conversation_id": conv.pk, "reference": conv.reference, "topic": conv.topic,
                 "transaction_id": conv.transaction_public_id or None,
                 "chat_url": f"/support/c/{conv.pk}/"}
