"""Refund requests in the API: the customer's under /api/v1/wallet, the merchant's under
/api/v1/merchant (API key). Parse, authorize, call one service, serialize."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from walletdesk.accounts.auth import USER_AUTH, AuthedRequest
from walletdesk.accounts.models import User
from walletdesk.core.errors import PermissionDenied, ValidationFailed
from walletdesk.core.schemas import MINOR_AMOUNT, ErrorOut
from walletdesk.wallet.api import MERCHANT_AUTH
from walletdesk.wallet.models import Merchant

from . import queries, services
from .models import Reason, RefundRequest
from .schemas import EscalatedOut, MerchantRequestOut, RefundRequestOut

wallet_router = Router(tags=["refund requests"])
merchant_router = Router(tags=["merchant"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut,
          422: ErrorOut}


class AskIn(Schema):
    amount: Any = Field(None, description="minor units, a JSON integer; absent: all that is left",
                        json_schema_extra={**MINOR_AMOUNT, "type": ["integer", "null"]})
    reason: Any = Field(..., description="not_received, not_as_described, charged_twice, "
                                         "cancelled, wrong_amount or other",
                        json_schema_extra={"type": "string", "enum": list(Reason.values)})
    text: Any = Field("", description="in the customer's words, up to 1000 characters",
                      json_schema_extra={"type": "string", "maxLength": 1000})


class EscalateIn(Schema):
    message: Any = ""


class AcceptIn(Schema):
    amount: Any = Field(None, description="minor units; absent: what the customer asked",
                        json_schema_extra={**MINOR_AMOUNT, "type": ["integer", "null"]})


class DeclineIn(Schema):
    reason: Any = Field(..., description="why, 5 to 500 characters")


def _customer(request: AuthedRequest) -> User:
    auth = getattr(request, "auth", None)
    user = auth if isinstance(auth, User) else request.user
    if not isinstance(user, User) or user.role != User.Role.CUSTOMER:
        raise PermissionDenied(code="customers_only")
    return user


def _merchant(request: HttpRequest) -> Merchant:
    merchant = getattr(request, "auth", None)
    if not isinstance(merchant, Merchant):
        raise PermissionDenied(code="merchants_only")
    return merchant


def _status(value: str) -> str:
    if value and value not in RefundRequest.Status.values:
        raise ValidationFailed(code="unknown_status")
    return value


# --- the customer ------------------------------------------------------------------------

@wallet_router.post("/transactions/{txn_id}/refund-requests", response={201: RefundRequestOut, **ERRORS},
                    auth=USER_AUTH, exclude_unset=True)
def ask(request: AuthedRequest, txn_id: str, payload: AskIn) -> tuple[int, dict[str, Any]]:
    req = services.ask(_customer(request), txn_id, amount=payload.amount, reason=payload.reason,
                       text=payload.text)
    return 201, queries.request_dict(req, events=True)


@wallet_router.get("/refund-requests", response=list[RefundRequestOut], auth=USER_AUTH,
                   exclude_unset=True)
def my_requests(request: AuthedRequest, status: str = "") -> list[dict[str, Any]]:
    qs = services.search(queries.of_customer(_customer(request)), _status(status[:20]))
    return [queries.request_dict(r) for r in qs[:200]]


@wallet_router.get("/refund-requests/{request_id}", response={200: RefundRequestOut, 404: ErrorOut},
                   auth=USER_AUTH, exclude_unset=True)
def my_request(request: AuthedRequest, request_id: str) -> dict[str, Any]:
    return queries.request_dict(services.own_request(_customer(request), request_id), events=True)


@wallet_router.post("/refund-requests/{request_id}/escalate", response={200: EscalatedOut, **ERRORS},
                    auth=USER_AUTH)
def escalate(request: AuthedRequest, request_id: str,
             payload: EscalateIn | None = None) -> dict[str, Any]:
    req = services.escalate(_customer(request), request_id, payload.message if payload else "")
    assert req.conversation is not None
    return {"conversation_id": req.conversation_id, "reference": req.conversation.reference,
            "status": req.status}


@wallet_router.post("/refund-requests/{request_id}/withdraw", response={200: RefundRequestOut, **ERRORS},
                    auth=USER_AUTH, exclude_unset=True)
def withdraw(request: AuthedRequest, request_id: str) -> dict[str, Any]:
    return queries.request_dict(services.withdraw(_customer(request), request_id), events=True)


# --- the merchant ------------------------------------------------------------------------

@merchant_router.get("/refund-requests", response=list[MerchantRequestOut], auth=MERCHANT_AUTH,
                     exclude_unset=True)
def merchant_requests(request: HttpRequest, status: str = "") -> list[dict[str, Any]]:
    """Refund requests for this merchant: the customers' own (``"source": "customer"``, answer
    with accept/decline below) and those customer support made for a customer
    (``"source": "support"``, granted with ``POST /api/v1/wallet/payments/{id}/refunds``)."""
    from walletdesk.casework import queries as casework_queries

    merchant = _merchant(request)
    status = status[:20]
    mine = [queries.request_dict(r, events=True, for_merchant=True) for r in services.search(
        queries.of_merchant(merchant), status if status in RefundRequest.Status.values else
        ("none" if status else ""))[:200]]
    support = [{**row, "source": "support"}
               for row in casework_queries.refund_requests_for(merchant, status[:10])]
    return sorted(mine + support, key=lambda row: row["created_at"], reverse=True)


@merchant_router.post("/refund-requests/{request_id}/accept", response={200: RefundRequestOut, **ERRORS},
                      auth=MERCHANT_AUTH, exclude_unset=True)
def accept(request: HttpRequest, request_id: str, payload: AcceptIn | None = None
           ) -> dict[str, Any]:
    req = services.accept(_merchant(request), request_id, payload.amount if payload else None)
    return queries.request_dict(req, events=True, for_merchant=True)


@merchant_router.post("/refund-requests/{request_id}/decline", response={200: RefundRequestOut, **ERRORS},
                      auth=MERCHANT_AUTH, exclude_unset=True)
def decline(request: HttpRequest, request_id: str, payload: DeclineIn) -> dict[str, Any]:
    req = services.decline(_merchant(request), request_id, payload.reason)
    return queries.request_dict(req, events=True, for_merchant=True)
