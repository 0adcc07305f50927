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
