from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from walletdesk.core.errors import DomainError

from .models import User
from .services import lockout
from .services.mfa import has_mfa, required


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
