from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Router, Schema

from walletdesk.accounts.auth import USER_AUTH, AuthedRequest
from walletdesk.accounts.models import User
from walletdesk.accounts.netutil import client_ip
from walletdesk.accounts.services import events
from walletdesk.core.errors import PermissionDenied
from walletdesk.core.schemas import ErrorOut

from .models import Review
from .services import review

router = Router(tags=["security"])


class SecurityEventOut(Schema):
    kind: str
    at: datetime
    ip: str | None
    data: dict[str, Any]


@router.get("/events", response=list[SecurityEventOut], auth=USER_AUTH)
def security_events(request: AuthedRequest, limit: int = 100) -> list[SecurityEventOut]:
    rows = events.events_of(request.user, limit=max(1, min(limit, 500)))
    return [SecurityEventOut(kind=e.kind, at=e.at, ip=e.ip, data=e.data) for e in rows]


# --- held payments (supervisors and admins) ------------------------------------------------------


class ReviewOut(Schema):
    id: int
    status: str
    customer_id: int
    customer: str
    operation: str
    amount: int
    currency: str
    payee: str
    reasons: list[dict[str, Any]]
    opened_at: datetime
    reviewed_at: datetime | None
    note: str
    approved_until: datetime | None


class DecideIn(Schema):
    reason: str
    freeze: bool = False


def _review_out(case: Review) -> ReviewOut:
    d = case.decision
    return ReviewOut(id=case.pk, status=case.status, customer_id=case.user_id,
                     customer=case.user.login, operation=d.operation, amount=d.amount,
                     currency=d.currency, payee=d.payee, reasons=d.reasons,
                     opened_at=case.opened_at, reviewed_at=case.reviewed_at, note=case.note,
                     approved_until=case.approved_until)


def _staff(request: AuthedRequest) -> User:
    if not review.can_review(request.user):
        raise PermissionDenied()
    return request.user


REVIEW_ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


@router.get("/reviews", response={200: list[ReviewOut], **REVIEW_ERRORS}, auth=USER_AUTH)
def open_reviews(request: AuthedRequest) -> list[ReviewOut]:
    """Payments held by the risk rules and waiting for a decision, oldest first."""
    _staff(request)
    return [_review_out(c) for c in review.open_cases()[:200]]


@router.post("/reviews/{review_id}/approve", response={200: ReviewOut, **REVIEW_ERRORS},
             auth=USER_AUTH)
def approve_review(request: AuthedRequest, review_id: int, payload: DecideIn) -> ReviewOut:
    return _review_out(review.approve(_staff(request), review_id, payload.reason,
                                      ip=client_ip(request)))


@router.post("/reviews/{review_id}/reject", response={200: ReviewOut, **REVIEW_ERRORS},
             auth=USER_AUTH)
def reject_review(request: AuthedRequest, review_id: int, payload: DecideIn) -> ReviewOut:
    return _review_out(review.reject(_staff(request), review_id, payload.reason,
                                     freeze=payload.freeze, ip=client_ip(request)))
