"""Security headers on every response: the Content-Security-Policy, and `Cache-Control:
no-store` on anything personal."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse

# Paths whose answers hold secrets even before a login (tokens, codes).
SECRET_PATHS = ("/api/v1/auth/",)


class ContentSecurityPolicyMiddleware:
    """Send the Content-Security-Policy from settings (pages use only our own scripts).

    `{websocket}` in the policy becomes this host's websocket origin (ws:// or wss://), so
    pages may open sockets to us and to no other host. Personal answers (a signed-in
    session, a bearer token, the auth endpoints) get `Cache-Control: no-store`: balances and
    tokens stay out of browser, proxy and service-worker caches.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.policy = settings.CONTENT_SECURITY_POLICY

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = self.policy.replace(
                "{websocket}", _websocket_origin(request))
        if _personal(request):
            response["Cache-Control"] = "no-store"
            response.headers.pop("Expires", None)
        return response


def _websocket_origin(request: HttpRequest) -> str:
    try:
        host = request.get_host()
    except DisallowedHost:
        return ""
    return f"{'wss' if request.is_secure() else 'ws'}://{host}"


def _personal(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    return bool((user is not None and user.is_authenticated)
                or request.headers.get("Authorization")
                or request.path.startswith(SECRET_PATHS))


JSON_TYPES = ("application/json", "multipart/form-data")


class JsonBodyMiddleware:
    """Bodies sent to the API without a credential header must say they are JSON (or a
    multipart upload): a cross-site form can post `text/plain` without a CORS preflight, so
    a JSON endpoint that reads any body could be driven from another site (login CSRF,
    sign-up floods). Answers 415 `unsupported_media_type`, typed and translated."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (request.path.startswith("/api/") and request.method in ("POST", "PUT", "PATCH")
                and not request.headers.get("Authorization")
                and request.headers.get("Content-Length", "0") not in ("", "0")
                and not _json_type(request.content_type or "")):
            from django.http import JsonResponse
            from django.utils.translation import gettext as _

            return JsonResponse({"code": "unsupported_media_type", "message": _(
                "Send the request body as JSON (Content-Type: application/json).")}, status=415)
        return self.get_response(request)


def _json_type(content_type: str) -> bool:
    main = content_type.split(";")[0].strip().lower()
    return main in JSON_TYPES or (main.startswith("application/") and main.endswith("+json"))
