from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.contrib import auth
from django.contrib.auth import logout
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject

from . import services
from .auth_context import AuthContext, current
from .backends import session_device
from .sessions import DEVICE_KEY, SessionStore, device_of


def _session_user(request: HttpRequest) -> Any:
    """Django's ``auth.get_user`` (backend, session hash), with the user and this session's
    device check read with the session itself (``backends.LoginBackend.get_user``)."""
    if not hasattr(request, "_cached_user"):
        session = getattr(request, "session", None)
        loading = None
        if isinstance(session, SessionStore) and (device := device_of(session)) is not None:
            loading = (device, session)
        token = session_device.set(loading)
        try:
            request._cached_user = auth.get_user(request)  # type: ignore[attr-defined]
        finally:
            session_device.reset(token)
    return request._cached_user  # type: ignore[attr-defined]


class _LoadedOnce(SimpleLazyObject):
    """The session's user, loaded on first use; from then on ``request.user`` is the user
    itself, so templates and views that read it dozens of times go through no proxy."""

    def __init__(self, request: HttpRequest) -> None:
        def load() -> Any:
            user = _session_user(request)
            if request.__dict__.get("user") is self:
                request.user = user
            return user
        super().__init__(load)


class SessionUserMiddleware(AuthenticationMiddleware):
    """``request.user`` as Django's AuthenticationMiddleware sets it (lazily), loaded together
    with the session's device check, which AuthContextMiddleware then reads. A request whose
    session has no key (no session cookie: an API call with a bearer token, a health check)
    is anonymous at once, with nothing to load (issue #16)."""

    def process_request(self, request: HttpRequest) -> None:
        super().process_request(request)
        if request.session.session_key is None:
            request._cached_user = AnonymousUser()  # type: ignore[attr-defined]
            request.user = request._cached_user  # type: ignore[attr-defined]
            return
        request.user = _LoadedOnce(request)  # type: ignore[assignment]


class AuthContextMiddleware:
    """Publish the session's last authentication time for step-up checks."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        ctx = None
        session = getattr(request, "session", None)
        uid = session.get("_auth_user_id") if session is not None else None
        device = session.get(DEVICE_KEY) if uid is not None and session is not None else None
        if isinstance(device, list) and len(device) == 2 and not self._alive(request, device, uid):
            logout(request)  # this device was signed out after the session began
            uid = None
        if uid is not None and session is not None:
            raw = session.get("auth_at")
            at = datetime.fromisoformat(raw) if isinstance(raw, str) else None
            ctx = AuthContext(int(uid), at, "session")
        # Always set and reset: whatever the bearer auth sets inside ends with the request.
        token = current.set(ctx)
        try:
            return self.get_response(request)
        finally:
            current.reset(token)

    @staticmethod
    def _alive(request: HttpRequest, device: list[Any], uid: object) -> bool:
        """Whether the session's device was not signed out since the session began: read from
        the user's own query when SessionUserMiddleware loaded it, else asked on its own."""
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            alive = getattr(user, "device_alive", None)
            if alive is not None and str(user.pk) == str(uid):
                return bool(alive)
        return services.session_device_alive(device[0], device[1], uid)
