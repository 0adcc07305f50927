"""The API's one user authentication: a bearer token, or the browser's session (ADR 0109).

``ApiAuth`` is the only code that reads a user credential for the API; handlers get a typed
``AuthedRequest`` (``request.auth`` and ``request.user`` are the ``User``,
``request.api_token`` the token or None) and never read headers.

* A request that sends ``Authorization`` is judged by that header alone: a missing, bad,
  expired or revoked token is a 401 (``not_authenticated``, or ``token_expired`` for one that
  simply ran out), and never falls through to the session's CSRF check.
* Without the header, a signed-in browser session is the credential; an unsafe method
  without a valid CSRF token is a typed 403 ``csrf_failed``. The session middleware has
  already applied its own rules (device sign-out, epoch, staff second factor).
* A token is first looked for in this process's short memory (``token_cache``, 2 s), then in
  the database (``services.token_for``: unrevoked, unexpired, active user).

Public operations that only tailor their answer to a signed-in caller call :func:`viewer`.
Merchant API keys are another credential (``wallet.api.MerchantKey``), as are guests'
conversation keys (``support.api.GuestToken``).
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import HttpBearer
from ninja.utils import check_csrf

from walletdesk.core import clock

from . import services, token_cache
from .auth_context import AuthContext, current
from .errors import CsrfFailed
from .models import ApiToken, User

EXPIRED_FLAG = "_walletdesk_token_expired"
SCHEME = "bearer"


class AuthedRequest(HttpRequest):
    """What a handler behind ``USER_AUTH`` receives (a type for handlers; no new behaviour)."""

    auth: User
    user: User
    api_token: ApiToken | None


def bearer_of(request: HttpRequest) -> str | None:
    """The token of an ``Authorization: Bearer …`` header; "" for another scheme; None: no header."""
    value = request.META.get("HTTP_AUTHORIZATION")  # request.headers, without building it
    if not value:
        return None
    scheme, _sep, token = value.partition(" ")
    return token if scheme.lower() == SCHEME else ""


def token_of(raw: str) -> ApiToken | None:
    """The active token for ``raw`` (remembered up to 2 s, else read), or None."""
    if not isinstance(raw, str) or not raw.startswith(ApiToken.PREFIX) or len(raw) > 100:
        return None
    digest = ApiToken.digest(raw)
    now = clock.now()
    token = token_cache.get(digest, now)
    if token is None:
        token = services.token_for(raw)
        if token is not None:
            token_cache.put(digest, token, now)
    return token


def _signed_in(request: HttpRequest, token: ApiToken) -> User:
    request.user = token.user
    request.api_token = token  # type: ignore[attr-defined]
    current.set(AuthContext(token.user.pk, token.authenticated_at or token.created_at, "token"))
    return token.user


class ApiAuth(HttpBearer):
    """A bearer token (``bearer``) or the browser session (``session``); both by default.

    ``support`` puts a guest's conversation key between the two (``bearer=False`` /
    ``session=False`` instances of this same class), as the order of credentials matters
    there: a signed-in browser holding a guest key answers as the guest, without CSRF."""

    openapi_description = ("An API token from POST /api/v1/auth/login (Authorization: Bearer); "
                           "a signed-in browser uses its session cookie and X-CSRFToken instead.")

    def __init__(self, *, bearer: bool = True, session: bool = True) -> None:
        super().__init__()
        self.bearer = bearer
        self.session = session

    def __call__(self, request: HttpRequest) -> User | None:
        raw = bearer_of(request)
        if raw is not None:  # a credential was sent: it alone decides (401 when it is bad)
            return self.authenticate(request, raw) if self.bearer and raw else None
        if not self.session:
            return None
        user = getattr(request, "user", None)
        if not isinstance(user, User) or not user.is_authenticated:
            return None
        if not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request) is not None:
            raise CsrfFailed()
        request.api_token = None  # type: ignore[attr-defined]
        return user

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        found = token_of(token)
        if found is None:
            setattr(request, EXPIRED_FLAG, services.token_expired(token))
            return None
        return _signed_in(request, found)


def viewer(request: HttpRequest, *, session: bool = True) -> User | None:
    """The caller of a public operation when signed in, else None (never a 401).

    A valid bearer token first (it becomes ``request.user``); then, with ``session`` (safe
    methods only: there is no CSRF check here), the browser's session."""
    raw = (bearer_of(request) or "").strip()
    if raw:
        found = token_of(raw)
        if found is not None:
            return _signed_in(request, found)
    if not session:
        return None
    user = getattr(request, "user", None)
    return user if isinstance(user, User) and user.is_authenticated else None


def end_token(request: HttpRequest) -> None:
    """Revoke the bearer token this request came with (nothing for a session)."""
    raw = (bearer_of(request) or "").strip()
    if raw:
        token_cache.forget_token(ApiToken.digest(raw))
        services.revoke_token(raw)


def token_freshened(request: HttpRequest) -> None:
    """The request's token was just proved again (step-up): forget the remembered copy."""
    raw = bearer_of(request)
    if raw:
        token_cache.forget_token(ApiToken.digest(raw))


USER_AUTH = [ApiAuth()]
