"""The typed REST API at /api/v1 (django-ninja); each app adds its router."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import SuspiciousOperation
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from walletdesk.accounts.api import router as auth_router
from walletdesk.accounts.auth import EXPIRED_FLAG, USER_AUTH
from walletdesk.casework.api import merchant_router as casework_merchant_router
from walletdesk.casework.api import router as casework_router
from walletdesk.core.errors import DomainError, NotFound
from walletdesk.directory.api import router as directory_router
from walletdesk.disputes.api import merchant_router as disputes_merchant_router
from walletdesk.disputes.api import wallet_router as disputes_wallet_router
from walletdesk.helpcenter.api import router as help_router
from walletdesk.notify.api import inbox_router as notifications_router
from walletdesk.notify.api import router as notify_router
from walletdesk.phone.api import router as phone_router
from walletdesk.reports.api import router as reports_router
from walletdesk.risk.api import router as risk_router
from walletdesk.servicelevels.api import router as sla_router
from walletdesk.support.api import router as support_router
from walletdesk.triage.api import router as triage_router
from walletdesk.troubleshoot.api import router as troubleshoot_router
from walletdesk.wallet import refusals as wallet_refusals
from walletdesk.wallet.api import merchant_router, wallet_router
from walletdesk.webhooks.api import router as webhooks_router

log = logging.getLogger(__name__)

ERROR_SCHEMA = {"type": "object", "required": ["code", "message"],
                "properties": {"code": {"type": "string"}, "message": {"type": "string"}}}
# Answers that any operation may give, whatever its handler declares: an
# unparseable body (400), a value that fails validation (422), a dependency
# briefly down (503); 401 and 403 (a role that may not) wherever a credential
# is required, and 404 wherever the path names an object (missing, or not yours).
COMMON_ERRORS = {400: "Bad request", 422: "Invalid input", 503: "Briefly unavailable"}


class JsonParser(Parser):
    """JSON bodies whose strings are valid Unicode: a lone surrogate ("\\ud800") is valid
    JSON but no valid text, and would fail deep inside a database driver."""

    def parse_body(self, request: HttpRequest) -> Any:
        data = super().parse_body(request)
        _check_text(data)
        return data


def _check_text(value: Any) -> None:
    if isinstance(value, str):
        value.encode("utf-8")  # UnicodeEncodeError: ninja answers 400 invalid_json
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_text(key)
            _check_text(item)
    elif isinstance(value, list):
        for item in value:
            _check_text(item)


class WalletdeskAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix: str | None = None,
                           path_params: dict[str, Any] | None = None) -> Any:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        for path, operations in schema.get("paths", {}).items():
            for op in operations.values():
                responses = op.setdefault("responses", {})
                common = {**COMMON_ERRORS,
                          **({401: "Not authenticated", 403: "Not allowed"} if op.get("security") else {}),
                          **({404: "Not found"} if "{" in path else {})}
                declared = {str(status) for status in responses}
                for status, text in common.items():
                    if str(status) not in declared:
                        responses[status] = {"description": text, "content": {
                            "application/json": {"schema": ERROR_SCHEMA}}}
        return schema


api = WalletdeskAPI(
    title="walletdesk API",
    version="1",
    urls_namespace="api",
    parser=JsonParser(),
    description="Wallet and support desk. Errors are {code, message} with a fitting status.",
)


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    # A money refusal's own record (risk decision, unknown-recipient miss), once, after the
    # handler's transaction rolled back; as_dict itself writes nothing.
    wallet_refusals.record(exc)
    response = api.create_response(request, exc.as_dict(), status=exc.status)
    if exc.status == 429 and "retry_after" in exc.details:
        response["Retry-After"] = str(exc.details["retry_after"])
    return response


# Fields whose bad value deserves its own stable code rather than invalid_input.
FIELD_CODES = {"amount": "invalid_amount", "currency": "unknown_currency",
               "method": "unknown_method"}


@api.exception_handler(NinjaValidationError)
def on_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors: list[dict[str, Any]] = []
    code = "invalid_input"
    for err in exc.errors:
        loc = [str(p) for p in err.get("loc", ()) if p not in ("body", "payload", "query")]
        errors.append({"field": ".".join(loc), "type": err.get("type", "")})
        # A missing field is not a bad value of it: it stays invalid_input.
        if (loc and loc[-1] in FIELD_CODES and code == "invalid_input"
                and err.get("type") != "missing"):
            code = FIELD_CODES[loc[-1]]
    message = _("Some of the values are not valid.")
    return api.create_response(request, {"code": code, "message": message, "errors": errors},
                               status=422)


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    if getattr(request, EXPIRED_FLAG, False):
        body = {"code": "token_expired",
                "message": _("Your sign-in has expired. Please log in again.")}
    else:
        body = {"code": "not_authenticated", "message": _("Please log in.")}
    response = api.create_response(request, body, status=401)
    response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    code = {400: "bad_request", 404: "not_found", 405: "method_not_allowed"}.get(
        exc.status_code, "error")
    # Never the library's own words: they are English and, in DEBUG, carry the parser's
    # internals ("Cannot parse request body (Expecting ',' delimiter: line 1 column 3)").
    message = str(NotFound.default_message if exc.status_code == 404
                  else DomainError.default_message)
    if exc.status_code == 400 and str(exc).startswith("Cannot parse request body"):
        code = "invalid_json"
    return api.create_response(request, {"code": code, "message": message},
                               status=exc.status_code)


# A dependency that is down for a moment (PostgreSQL restarting, Redis gone):
# a typed 503 the client may retry (with the same Idempotency-Key), not a 500.
@api.exception_handler(OperationalError)
@api.exception_handler(InterfaceError)
@api.exception_handler(RedisConnectionError)
@api.exception_handler(RedisTimeoutError)
def on_unavailable(request: HttpRequest, exc: Exception) -> HttpResponse:
    log.warning("dependency unavailable on %s %s: %s: %s", request.method, request.path,
                type(exc).__name__, exc)
    response = api.create_response(
        request, {"code": "service_unavailable",
                  "message": _("The service is briefly unavailable. Please try again.")},
        status=503)
    response["Retry-After"] = "1"
    return response


@api.exception_handler(Exception)
def on_unexpected_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    # Still a typed answer; the traceback goes to the log, never to the client
    # (ninja's default shows it in DEBUG and leaves an HTML page otherwise).
    if isinstance(exc, DjangoPermissionDenied):
        return on_domain_error(request, DomainError(code="forbidden", status=403))
    if isinstance(exc, SuspiciousOperation | MultiPartParserError):  # e.g. a multipart body with no boundary
        return on_domain_error(request, DomainError(code="bad_request", status=400))
    log.exception("unhandled error in %s %s", request.method, request.path)
    return api.create_response(
        request, {"code": "internal_error", "message": str(DomainError.default_message)},
        status=500)


api.add_router("/auth", auth_router)
api.add_router("/wallet", wallet_router)
api.add_router("/merchant", merchant_router)
api.add_router("/contact", directory_router)
api.add_router("/security", risk_router)
api.add_router("/dev", notify_router)
api.add_router("/notifications", notifications_router, auth=USER_AUTH)
api.add_router("/support", support_router)
api.add_router("/phone", phone_router)
api.add_router("/sla", sla_router)
api.add_router("/support/reports", reports_router)
api.add_router("/support/webhooks", webhooks_router)
api.add_router("/support", casework_router)
api.add_router("/merchant", casework_merchant_router)
api.add_router("/wallet", disputes_wallet_router)
api.add_router("/merchant", disputes_merchant_router)
api.add_router("/help", help_router)
api.add_router("/triage", triage_router)
api.add_router("/troubleshoot", troubleshoot_router)
