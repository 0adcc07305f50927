"""Authentication for the API: bearer tokens, or the browser's session."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from .context import AuthContext, current
from .models import User
from .services import token_for


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        found = token_for(token)
        if found is None:
            return None
        request.user = found.user
        request.api_token = found  # type: ignore[attr-defined]
        current.set(AuthContext(found.user.pk, found.authenticated_at or found.created_at, "token"))
        return found.user


class Session(SessionAuth):
    """The logged-in browser session (CSRF is checked by ninja for unsafe methods)."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        return user or None


USER_AUTH = [BearerToken(), Session()]
