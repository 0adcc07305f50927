from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.db.models import Exists, OuterRef
from django.http import HttpRequest

from walletdesk.core.errors import DomainError
from walletdesk.core.fixedquery import FixedQuery

from .models import Device, User
from .services import lockout
from .services.mfa import has_mfa, required
from .sessions import SessionStore

# The (device id, sign-out epoch) of the browser session whose user is being loaded, and the
# session's store, set by accounts.middleware.SessionUserMiddleware: the user's row and the
# check that this device was not signed out since the session began come with the session's
# own statement (sessions.SessionStore.joined_user), or else in one statement of their own
# (issue #16).
session_device: ContextVar[tuple[tuple[int, int], SessionStore] | None] = ContextVar(
    "walletdesk_session_device", default=None)


def _user_with_device(user_id: int, device_id: int, epoch: int) -> Any:
    alive = Device.objects.filter(pk=device_id, session_epoch=epoch, user_id=OuterRef("pk"))
    return User._default_manager.annotate(device_alive=Exists(alive)).filter(
        pk=user_id).order_by("pk")[:1]


# Every signed-in page runs it: compiled once per connection (core.fixedquery, issue #16).
USER_WITH_DEVICE = FixedQuery(_user_with_device, user_id=int, device_id=int, epoch=int)


class LoginBackend(ModelBackend):
    """Authenticate by email address or E.164 phone number, through the lockout.

    An unknown login still runs the password hasher once, so the answer takes
    about as long whether or not the account exists.
    """

    def authenticate(self, request: HttpRequest | None, username: str | None = None,
                     password: str | None = None, **kwargs: Any) -> User | None:
        from .services import check_password_login

        login = username or kwargs.get("login") or kwargs.get("email")
        if not login or password is None:
            return None
        try:
            user = check_password_login(request, login, password)
        except DomainError:
            return None
        # A password alone never opens an account with two-step verification, nor a staff
        # account (for example through the admin's login form): they log in at /login/.
        if has_mfa(user) or required(user):
            return None
        lockout.succeeded(user, lockout.PASSWORD)  # a whole login: the count starts again
        return user

    def get_user(self, user_id: Any) -> User | None:
        loading = session_device.get()
        if loading is None:
            return super().get_user(user_id)
        device, store = loading
        try:
            pk = int(user_id)
        except (TypeError, ValueError):
            return None
        user = store.joined_user(pk, device)
        if user is None:
            found = USER_WITH_DEVICE.rows(user_id=pk, device_id=device[0], epoch=device[1])
            user = found[0] if found else None
        return user if user is not None and self.user_can_authenticate(user) else None
