"""Triage API: classify one message (for agents and the contact form)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from walletdesk.accounts.auth import USER_AUTH
from walletdesk.core.schemas import ErrorOut

from . import services
from .text import MAX_CHARS

router = Router(tags=["triage"])


class ClassifyIn(Schema):
    text: str = Field(description=f"the customer's message, at most {MAX_CHARS} characters")
    lang: str | None = Field(None, description="zh-hans or en; guessed from the text when missing")


class AlternativeOut(Schema):
    intent: str
    confidence: float


class TriageOut(Schema):
    text: str
    lang: str
    intent: str
    confidence: float
    queue: str
    priority: str
    articles: list[str]
    alternatives: list[AlternativeOut]



@router.post("/classify", auth=USER_AUTH,
             response={200: TriageOut, 401: ErrorOut, 422: ErrorOut, 503: ErrorOut})
def classify(request: HttpRequest, body: ClassifyIn) -> dict[str, Any]:
    return services.classify(body.text, body.lang).as_dict()
