"""Accounts: the only place that writes users and API tokens."""

from __future__ import annotations

import re
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from walletdesk.core import clock
from walletdesk.core.errors import DomainError, Unauthenticated

from .models import ApiToken, User

E164 = re.compile(r"^\+[1-9]\d{6,14}$")
MAX_LOGIN_LENGTH = 254


class InvalidCredentials(DomainError):
    status = 401
    code = "invalid_credentials"
    default_message = _("The login or the password is not correct.")


def normalize_login(raw: str) -> str:
    value = (raw or "").strip()
    if not value or len(value) > MAX_LOGIN_LENGTH:
        return ""
    if "@" in value:
        local, _sep, domain = value.rpartition("@")
        return f"{local}@{domain.lower()}"
    digits = re.sub(r"[\s\-()]", "", value)
    return digits if E164.match(digits) else value


def find_user_by_login(raw: str) -> User | None:
    login = normalize_login(raw)
    if not login:
        return None
    field = "email__iexact" if "@" in login else "phone"
    return User.objects.filter(**{field: login}).first()


def login_for_api(request: HttpRequest | None, login: str, password: str) -> tuple[User, str]:
    """Check a login and a password; returns the user and a new bearer token."""
    user = authenticate(request, username=login, password=password)
    if user is None:
        raise InvalidCredentials()
    return user, issue_token(user)


def issue_token(user: User) -> str:
    raw, digest = ApiToken.new_key()
    ApiToken.objects.create(
        user=user,
        key_hash=digest,
        expires_at=clock.now() + timedelta(hours=settings.API_TOKEN_TTL_HOURS),
    )
    return raw


def user_for_token(raw: str) -> User | None:
    if not raw or not raw.startswith(ApiToken.PREFIX) or len(raw) > 100:
        return None
    now = clock.now()
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=ApiToken.digest(raw), revoked_at__isnull=True, expires_at__gt=now)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def revoke_token(raw: str) -> None:
    ApiToken.objects.filter(key_hash=ApiToken.digest(raw), revoked_at__isnull=True).update(
        revoked_at=clock.now()
    )


def require_user(user: User | None) -> User:
    if user is None or not user.is_authenticated:
        raise Unauthenticated()
    return user
