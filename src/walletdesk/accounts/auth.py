"""Authentication for the API: bearer tokens, or the browser's session.

Any missing, bad, expired or revoked credential is a 401 (`not_authenticated`, or
`token_expired` for a token that ran out): a request that sends `Authorization` is judged by
that header alone, so a bad bearer token never falls through to the session's CSRF check.
A signed-in browser session without a valid CSRF token is a typed 403 `csrf_failed`.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth
from ninja.utils import check_csrf

from .context import AuthContext, current
from .errors import CsrfFailed
from .models import User
from .services import token_expired, token_for

EXPIRED_FLAG = "_walletdesk_token_expired"


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        found = token_for(token)
        if found is None:
            setattr(request, EXPIRED_FLAG, token_expired(token))
            return None
        request.user = found.user
        request.api_token = found  # type: ignore[attr-defined]
        current.set(AuthContext(found.user.pk, found.authenticated_at or found.created_at, "token"))
        return found.user


class Session(SessionAuth):
    """The logged-in browser session; unsafe methods need the CSRF token."""

    def __call__(self, request: HttpRequest) -> Any:
        if request.headers.get("Authorization"):
            return None  # a credential was sent: it alone decides (401 when it is bad)
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if (self.csrf and not getattr(request, "_ninja_csrf_exempt", False)
                and check_csrf(request) is not None):
            raise CsrfFailed()
        return user


USER_AUTH = [BearerToken(), Session()]
