from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

from . import services
from .context import AuthContext, current

# The session's device and its sign-out epoch when the session began: [id, epoch].
DEVICE_KEY = "device_session"


class AuthContextMiddleware:
    """Publish the session's last authentication time for step-up checks."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        ctx = None
        session = getattr(request, "session", None)
        uid = session.get("_auth_user_id") if session is not None else None
        device = session.get(DEVICE_KEY) if uid is not None and session is not None else None
        if isinstance(device, list) and len(device) == 2 and not services.session_device_alive(
                device[0], device[1], uid):
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
