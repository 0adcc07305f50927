"""Who may open a websocket (the ASGI middleware in front of every socket route).

* A native client sends ``Authorization: Bearer <API token>`` in the handshake. It needs no
  ``Origin`` (it is not a browser; a browser cannot set that header on a websocket).
* A browser brings its session cookie (or, for a guest, ``?guest=``) and must send an
  ``Origin`` that is exactly the page's origin: scheme, host and port (the ``Host`` it
  connects to, an allowed host), or ``SITE_URL``'s or a trusted CSRF origin.
* ``?token=`` is refused: a credential in a URL ends up in logs and browser histories.

The socket keeps the credential (``scope["credential"]``) so that it ends with it (see
``sockets``). Refused handshakes are closed with 4401 (credential) or 4403 (origin).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

from channels.auth import AuthMiddlewareStack
from django.conf import settings
from django.http.request import split_domain_port, validate_host

from . import sockets
from .consumers import database_sync_to_async  # the chat's threads, which keep their connections


def _header(scope: dict[str, Any], name: bytes) -> str:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return str(value.decode("latin-1"))
    return ""


def _origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def trusted_origins() -> set[str]:
    found = {_origin_of(settings.SITE_URL)}
    found |= {_origin_of(o) for o in getattr(settings, "CSRF_TRUSTED_ORIGINS", []) if "*" not in o}
    return found - {""}


def origin_allowed(scope: dict[str, Any]) -> bool:
    """The browser's page is this very origin (port included), or a configured one."""
    origin, host = _header(scope, b"origin"), _header(scope, b"host")
    if not origin:
        return False
    if host and validate_host(split_domain_port(host)[0], settings.ALLOWED_HOSTS):
        schemes = ("https",) if scope.get("scheme") == "wss" else ("http", "https")
        if origin in {f"{s}://{host}" for s in schemes}:
            return True
    return origin in trusted_origins()


def _bearer(scope: dict[str, Any]) -> str | None:
    value = _header(scope, b"authorization")
    if not value:
        return None
    kind, _sep, raw = value.partition(" ")
    return raw.strip() if kind.lower() == "bearer" else ""


def _token_login(raw: str) -> tuple[Any, sockets.Credential | None]:
    from walletdesk.accounts.services import token_for

    token = token_for(raw)
    if token is None:
        return None, None
    return token.user, sockets.for_token(token)


async def _refuse(receive: Any, send: Any, code: int) -> None:
    message = await receive()
    if message.get("type") == "websocket.connect":
        await send({"type": "websocket.close", "code": code})


class SocketAuthMiddleware:
    def __init__(self, inner: Any) -> None:
        self.inner = inner
        # Browsers: Channels' session and user middleware, then ours records the credential.
        self.browser = AuthMiddlewareStack(_RecordSession(inner))

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        if "token" in query:
            return await _refuse(receive, send, sockets.CLOSE_CODE)
        raw = _bearer(scope)
        if raw is not None:
            user, cred = await database_sync_to_async(_token_login)(raw) if raw else (None, None)
            if cred is None:
                return await _refuse(receive, send, sockets.CLOSE_CODE)
            return await self.inner({**scope, "user": user, "credential": cred}, receive, send)
        if not origin_allowed(scope):
            return await _refuse(receive, send, 4403)
        return await self.browser(scope, receive, send)


class _RecordSession:
    def __init__(self, inner: Any) -> None:
        self.inner = inner

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        user = scope.get("user")
        cred = await database_sync_to_async(sockets.for_session)(scope["session"], user) \
            if user is not None and user.is_authenticated else None
        if cred is not None and not await database_sync_to_async(sockets.still_valid)([cred]):
            return await _refuse(receive, send, sockets.CLOSE_CODE)  # e.g. its device signed out
        return await self.inner({**scope, "credential": cred}, receive, send)
