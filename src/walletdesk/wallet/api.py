"""Wallet API: thin handlers that parse, authorize, call one service, serialize."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import orjson
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema
from ninja.security import HttpBearer

from walletdesk.accounts.auth import USER_AUTH, viewer
from walletdesk.accounts.models import User
from walletdesk.accounts.netutil import client_ip
from walletdesk.core.errors import DomainError, PermissionDenied, ValidationFailed
from walletdesk.core.money import check_amount, check_currency
from walletdesk.core.schemas import CURRENCY, MINOR_AMOUNT, ErrorOut

from . import fees, queries, services
from .errors import UnknownMethod
from .models import (
    OPERATION_METHODS,
    Merchant,
    Method,
    Operation,
    PaymentMethod,
    PaymentRequest,
    Transaction,
)
from .serializers import event_dict, quote_dict, transaction_dict, transaction_row_dict
from .services import cards, idempotency
from .services.merchants import merchant_for_key

wallet_router = Router(tags=["wallet"])
merchant_router = Router(tags=["merchant"])


class MerchantKey(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Merchant | None:
        return merchant_for_key(token)


MERCHANT_AUTH = [MerchantKey()]


# --- schemas (documentation of the JSON shapes) ------------------------------------


def _methods(operation: str) -> dict[str, Any]:
    return {"enum": [str(m) for m in OPERATION_METHODS[operation]]}


CARD_KINDS: dict[str, Any] = {"enum": [str(Method.BANK_CARD), str(Method.CREDIT_CARD)]}
TXN_STATUS: dict[str, Any] = {"enum": list(Transaction.Status.values)}
TXN_TYPE: dict[str, Any] = {"enum": list(Transaction.Type.values)}


class BalanceOut(Schema):
    currency: str = Field(json_schema_extra=CURRENCY)
    available: int
    pending: int = Field(description="incoming money not yet confirmed")
    held: int = Field(description="outgoing money reserved for pending transactions")
    balance: int


class TransactionOut(Schema):
    id: str
    reference: str | None = Field(None, description="the 16 digits the customer reads out to "
                                  "support (wallet.reference)")
    type: str = Field(json_schema_extra=TXN_TYPE)
    status: str = Field(json_schema_extra=TXN_STATUS)
    amount: int = Field(description="minor units")
    fee: int = Field(description="minor units")
    fee_before_promotion: int
    promotion: str | None
    currency: str = Field(json_schema_extra=CURRENCY)
    method: str
    created_at: str
    updated_at: str
    completed_at: str | None
    expires_at: str | None
    refunded_amount: int
    merchant: str | None
    parent_id: str | None
    note: str
    direction: str | None = None
    counterparty: str | None = None


class TransactionEventOut(Schema):
    from_status: str | None
    to_status: str
    reason: str
    detail: str
    at: str


class TransactionDetailOut(TransactionOut):
    events: list[TransactionEventOut]


class TransactionPage(Schema):
    items: list[TransactionOut]
    total: int
    limit: int
    offset: int


# Amount fields are typed ``Any`` so that a float or a string reaches the
# service's own check and gets the stable ``invalid_amount`` code.
class TopUpIn(Schema):
    amount: Any = Field(..., json_schema_extra=MINOR_AMOUNT)
    currency: str = Field(json_schema_extra=CURRENCY)
    method: str = Field(json_schema_extra=_methods(Operation.TOPUP))


class WithdrawalIn(TopUpIn):
    method: str = Field(json_schema_extra=_methods(Operation.WITHDRAWAL))


class TransferIn(Schema):
    to: str = Field(..., max_length=254, description="the payee's email address or mobile number")
    amount: Any = Field(..., json_schema_extra=MINOR_AMOUNT)
    currency: str = Field(json_schema_extra=CURRENCY)
    note: str = Field("", max_length=140)


class PaymentIn(Schema):
    merchant: str = Field(..., max_length=60)
    amount: Any = Field(..., json_schema_extra=MINOR_AMOUNT)
    currency: str = Field(json_schema_extra=CURRENCY)
    method: str = Field(json_schema_extra=_methods(Operation.PAYMENT))


class RefundIn(Schema):
    amount: Any = Field(..., json_schema_extra=MINOR_AMOUNT)


class CardIn(Schema):
    kind: str = Field(json_schema_extra=CARD_KINDS)
    card_number: str = Field(..., max_length=40)


class CardOut(Schema):
    id: str
    kind: str
    brand: str
    last4: str
    is_default: bool


class RemovedCardOut(Schema):
    id: str
    removed_at: str
    new_default: CardOut | None = Field(description="the card of the same kind that became the "
                                        "default in its place (when the removed card was the "
                                        "default and another of its kind is linked)")


class QuoteOut(Schema):
    operation: str
    method: str
    currency: str
    amount: int
    fee: int
    fee_before_promotion: int
    discount: int
    total: int
    policy_version: int | None
    promotion: dict[str, Any] | None


class QuoteAllOut(QuoteOut):
    cheapest_method: str
    alternatives: list[QuoteOut]


class PaymentRequestIn(Schema):
    customer: str = Field(..., max_length=254)
    amount: Any = Field(..., json_schema_extra=MINOR_AMOUNT)
    currency: str = Field(json_schema_extra=CURRENCY)
    description: str = Field("", max_length=140)


class PaymentRequestOut(Schema):
    id: str
    merchant: str
    amount: int
    currency: str
    description: str
    status: str
    transaction_id: str | None
    expires_at: str


class ApproveIn(Schema):
    method: str = Field("balance", json_schema_extra=_methods(Operation.PAYMENT))


# --- helpers ------------------------------------------------------------------------

def _customer(request: HttpRequest) -> User:
    auth = getattr(request, "auth", None)  # set by ninja's authentication
    user = auth if isinstance(auth, User) else request.user
    if not isinstance(user, User) or user.role != User.Role.CUSTOMER:
        raise PermissionDenied(code="customers_only")
    return user


def _merchant(request: HttpRequest) -> Merchant:
    merchant = getattr(request, "auth", None)  # set by MerchantKey
    if not isinstance(merchant, Merchant):
        raise PermissionDenied(code="merchants_only")
    return merchant


def _require_json(request: HttpRequest) -> None:
    """Money calls take JSON only: another content type is refused, whatever it parses as."""
    if request.content_type != "application/json":
        raise DomainError(code="unsupported_media_type", status=415)


def _idempotent(request: HttpRequest, scope: str,
                operation: Callable[[], tuple[int, Any]]) -> HttpResponse:
    _require_json(request)
    digest = idempotency.request_hash(request.method or "POST", request.path, request.body)
    status, body = idempotency.execute(scope, request.headers.get(idempotency.HEADER), digest,
                                       operation)
    # JsonResponse's output (its content type, UTF-8 text), written by orjson; what orjson does
    # not write itself (lazy translations, times, decimals) goes through Django's encoder.
    return HttpResponse(orjson.dumps(body, default=_DJANGO_JSON.default, option=_ORJSON_OPTIONS),
                        status=status, content_type="application/json")


_DJANGO_JSON = DjangoJSONEncoder()
_ORJSON_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_NON_STR_KEYS


def _created(txn: Transaction, viewer: User | None = None) -> tuple[int, Any]:
    return 201, transaction_dict(txn, viewer)


def _request_dict(req: PaymentRequest) -> dict[str, Any]:
    return {"id": req.public_id, "merchant": req.merchant.slug, "amount": req.amount,
            "currency": req.currency, "description": req.description, "status": req.status,
            "transaction_id": req.transaction.public_id if req.transaction_id and req.transaction
            else None, "expires_at": req.expires_at.isoformat()}


MONEY_ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut,
                422: ErrorOut, 429: ErrorOut}


# --- customer endpoints -------------------------------------------------------------

@wallet_router.get("", response=list[BalanceOut], auth=USER_AUTH)
def wallet(request: HttpRequest) -> HttpResponse:
    # The hottest read: written as BalanceOut's JSON directly (same fields, order and
    # content type), skipping the per-item schema validation that was a sixth of its CPU
    # (issue #16); test_api checks the answer against the schema.
    body = [{"currency": b.currency, "available": b.available, "pending": b.pending,
             "held": b.held, "balance": b.balance} for b in queries.balances(_customer(request))]
    return HttpResponse(orjson.dumps(body), content_type="application/json; charset=utf-8")


@wallet_router.get("/methods", response=list[CardOut], auth=USER_AUTH)
def list_methods(request: HttpRequest) -> list[dict[str, Any]]:
    user = _customer(request)
    return [{"id": m.public_id, "kind": m.kind, "brand": m.brand, "last4": m.last4,
             "is_default": m.is_default}
            for m in user.payment_methods.filter(removed_at__isnull=True)]


@wallet_router.post("/methods", response={201: CardOut, **MONEY_ERRORS}, auth=USER_AUTH)
def link_method(request: HttpRequest, payload: CardIn) -> tuple[int, dict[str, Any]]:
    """Link a card, the default of its kind. 409 ``card_already_linked`` when the customer has
    the same number linked already (ADR 0129); a removed card links again as a new card."""
    m = cards.link_card(_customer(request), kind=payload.kind, number=payload.card_number)
    return 201, {"id": m.public_id, "kind": m.kind, "brand": m.brand, "last4": m.last4,
                 "is_default": m.is_default}


def _card_dict(m: PaymentMethod) -> dict[str, Any]:
    return {"id": m.public_id, "kind": m.kind, "brand": m.brand, "last4": m.last4,
            "is_default": m.is_default}


CARD_ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut}


@wallet_router.delete("/methods/{card_id}", response={200: RemovedCardOut, **CARD_ERRORS},
                      auth=USER_AUTH)
def remove_method(request: HttpRequest, card_id: str) -> dict[str, Any]:
    """Remove a linked card (ADR 0127): pending top-ups and withdrawals on it still finish."""
    removal = cards.remove_card(_customer(request), card_id, ip=client_ip(request))
    after = removal.new_default
    return {"id": removal.card.public_id, "removed_at": removal.card.removed_at.isoformat()
            if removal.card.removed_at else "", "new_default": _card_dict(after) if after else None}


@wallet_router.post("/methods/{card_id}/default", response={200: CardOut, **CARD_ERRORS},
                    auth=USER_AUTH)
def make_default_method(request: HttpRequest, card_id: str) -> dict[str, Any]:
    return _card_dict(cards.make_default(_customer(request), card_id, ip=client_ip(request)))


@wallet_router.post("/top-ups", response={201: TransactionOut, **MONEY_ERRORS}, auth=USER_AUTH)
def top_up(request: HttpRequest, payload: TopUpIn) -> HttpResponse:
    user = _customer(request)
    return _idempotent(request, f"user:{user.pk}", lambda: _created(services.top_up(
        user, amount=payload.amount, currency=payload.currency, method=payload.method), user))


@wallet_router.post("/transfers", response={201: TransactionOut, **MONEY_ERRORS}, auth=USER_AUTH)
def transfer(request: HttpRequest, payload: TransferIn) -> HttpResponse:
    user = _customer(request)
    return _idempotent(request, f"user:{user.pk}", lambda: _created(services.transfer(
        user, to=payload.to, amount=payload.amount, currency=payload.currency,
        note=payload.note), user))


@wallet_router.post("/payments", response={201: TransactionOut, **MONEY_ERRORS}, auth=USER_AUTH)
def pay(request: HttpRequest, payload: PaymentIn) -> HttpResponse:
    user = _customer(request)
    return _idempotent(request, f"user:{user.pk}", lambda: _created(services.pay(
        user, merchant=payload.merchant, amount=payload.amount, currency=payload.currency,
        method=payload.method), user))


@wallet_router.post("/withdrawals", response={201: TransactionOut, **MONEY_ERRORS},
                    auth=USER_AUTH)
def withdraw(request: HttpRequest, payload: WithdrawalIn) -> HttpResponse:
    user = _customer(request)
    return _idempotent(request, f"user:{user.pk}", lambda: _created(services.withdraw(
        user, amount=payload.amount, currency=payload.currency, method=payload.method), user))


@wallet_router.post("/payments/{payment_id}/refunds",
                    response={201: TransactionOut, **MONEY_ERRORS}, auth=MERCHANT_AUTH)
def refund(request: HttpRequest, payment_id: str, payload: RefundIn) -> HttpResponse:
    merchant = _merchant(request)
    return _idempotent(request, f"merchant:{merchant.pk}", lambda: _created(services.refund(
        merchant, payment_id=payment_id, amount=payload.amount)))


class HistoryQuery(Schema):
    status: str = Field("", json_schema_extra={"enum": ["", *Transaction.Status.values]})
    type: str = Field("", json_schema_extra={"enum": ["", *Transaction.Type.values]})
    currency: str = Field("", json_schema_extra={"enum": ["", *CURRENCY["enum"]]})
    since: date | None = None
    until: date | None = None
    min_amount: int | None = None
    max_amount: int | None = None
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0)


def _history_filter(q: HistoryQuery, tz: str) -> queries.HistoryFilter:
    if q.status and q.status not in Transaction.Status.values:
        raise ValidationFailed(code="unknown_status")
    if q.type and q.type not in Transaction.Type.values:
        raise ValidationFailed(code="unknown_type")
    return queries.HistoryFilter(status=q.status, type=q.type,
                                 currency=check_currency(q.currency) if q.currency else "",
                                 since=q.since, until=q.until, min_amount=q.min_amount,
                                 max_amount=q.max_amount, tz=tz)


@wallet_router.get("/transactions", response=TransactionPage, auth=USER_AUTH)
def transactions(request: HttpRequest, q: Query[HistoryQuery]) -> HttpResponse:
    user = _customer(request)
    f = _history_filter(q, user.time_zone)
    items: list[dict[str, Any]]
    if queries.unfiltered(f):  # the common read: statements compiled once, plain rows (issue #16)
        items = [transaction_row_dict(row, user.pk)
                 for row in queries.history_rows(user, q.offset, q.limit)]
        total = queries.history_count(user)
    else:
        qs = queries.filter_history(queries.transactions_of(user), f)
        items = [transaction_dict(t, user) for t in qs[q.offset:q.offset + q.limit]]
        total = qs.count()
    # Written as TransactionPage without ninja's per-item output validation, like the balance
    # read (issue #16); test_fixed_queries checks the answer against the schema.
    body = {"items": items, "total": total, "limit": q.limit, "offset": q.offset}
    return HttpResponse(orjson.dumps(body), content_type="application/json; charset=utf-8")


@wallet_router.get("/transactions/{txn_id}", response={200: TransactionDetailOut, 404: ErrorOut},
                   auth=USER_AUTH)
def transaction_detail(request: HttpRequest, txn_id: str) -> dict[str, Any]:
    user = _customer(request)
    txn = services.get_transaction_for(user, txn_id)
    return {**transaction_dict(txn, user), "events": [event_dict(e) for e in txn.events.all()]}


class QuoteQuery(Schema):
    operation: str = Field(json_schema_extra={"enum": [str(o) for o in OPERATION_METHODS]})
    amount: str = Field(description="minor units, plain digits",
                        json_schema_extra={"pattern": "^[1-9][0-9]{0,8}$"})
    currency: str = Field(json_schema_extra=CURRENCY)
    method: str = Field("", json_schema_extra={"enum": ["", *Method.values]})


@wallet_router.get("/fees/quote", response={200: QuoteAllOut, 422: ErrorOut}, auth=None)
def fee_quote(request: HttpRequest, q: Query[QuoteQuery]) -> dict[str, Any]:
    operation, amount, currency, method = q.operation, q.amount, q.currency, q.method
    if operation not in OPERATION_METHODS:
        raise ValidationFailed(code="unknown_operation")
    # A query string carries text: only plain digits are minor units.
    minor = check_amount(int(amount) if amount.isascii() and amount.isdigit()
                         and len(amount) < 16 else amount)
    currency = check_currency(currency)
    # The session's user, else an API client's bearer token (per-user promotion caps).
    signed_in = request.user if request.user.is_authenticated else viewer(request, session=False)
    user_id = signed_in.pk if signed_in is not None else None
    alternatives = fees.all_quotes(operation, minor, currency, user_id=user_id)
    if method:
        if method not in OPERATION_METHODS[operation]:
            raise UnknownMethod()
        chosen = next(a for a in alternatives if a.method == method)
    else:
        chosen = alternatives[0]
    return {**quote_dict(chosen), "cheapest_method": alternatives[0].method,
            "alternatives": [quote_dict(a) for a in alternatives]}


@wallet_router.get("/payment-requests", response=list[PaymentRequestOut], auth=USER_AUTH)
def my_requests(request: HttpRequest) -> list[dict[str, Any]]:
    user = _customer(request)
    reqs = PaymentRequest.objects.filter(customer=user).select_related("merchant", "transaction")
    return [_request_dict(r) for r in reqs.order_by("-created_at")[:100]]


@wallet_router.post("/payment-requests/{request_id}/approve",
                    response={200: PaymentRequestOut, **MONEY_ERRORS}, auth=USER_AUTH)
def approve_request(request: HttpRequest, request_id: str, payload: ApproveIn) -> HttpResponse:
    user = _customer(request)
    return _idempotent(request, f"user:{user.pk}", lambda: (200, _request_dict(
        services.answer_payment_request(user, request_id, approve=True, method=payload.method))))


@wallet_router.post("/payment-requests/{request_id}/decline",
                    response={200: PaymentRequestOut, **MONEY_ERRORS}, auth=USER_AUTH)
def decline_request(request: HttpRequest, request_id: str) -> dict[str, Any]:
    user = _customer(request)
    return _request_dict(services.answer_payment_request(user, request_id, approve=False))


# --- merchant endpoints -------------------------------------------------------------

@merchant_router.get("/payments", response=TransactionPage, auth=MERCHANT_AUTH)
def merchant_payments(request: HttpRequest, q: Query[HistoryQuery]) -> dict[str, Any]:
    merchant = _merchant(request)
    qs = queries.filter_history(queries.merchant_transactions(merchant),
                                _history_filter(q, settings.DEFAULT_USER_TIME_ZONE))
    page = list(qs[q.offset:q.offset + q.limit])
    return {"items": [transaction_dict(t) for t in page], "total": qs.count(),
            "limit": q.limit, "offset": q.offset}


@merchant_router.get("/balance", response=list[BalanceOut], auth=MERCHANT_AUTH)
def merchant_balance(request: HttpRequest) -> list[queries.Balance]:
    merchant = _merchant(request)
    return queries.merchant_balances(merchant)


@merchant_router.post("/payment-requests", response={201: PaymentRequestOut, **MONEY_ERRORS},
                      auth=MERCHANT_AUTH)
def create_request(request: HttpRequest, payload: PaymentRequestIn) -> tuple[int, dict[str, Any]]:
    merchant = _merchant(request)
    _require_json(request)
    req = services.create_payment_request(merchant, customer=payload.customer,
                                          amount=payload.amount, currency=payload.currency,
                                          description=payload.description)
    return 201, _request_dict(req)
