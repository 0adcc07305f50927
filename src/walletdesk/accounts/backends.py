from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from .models import User
from .services import find_user_by_login


class LoginBackend(ModelBackend):
    """Authenticate by email address or E.164 phone number.

    An unknown login still runs the password hasher once, so the answer takes
    about as long whether or not the account exists.
    """

    def authenticate(self, request: HttpRequest | None, username: str | None = None,
                     password: str | None = None, **kwargs: Any) -> User | None:
        login = username or kwargs.get("login") or kwargs.get("email")
        if not login or password is None:
            return None
        user = find_user_by_login(login)
        if user is None:
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
