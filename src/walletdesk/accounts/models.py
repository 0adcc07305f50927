from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils.translation import gettext_lazy as _

from walletdesk.core import clock


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str | None = None, password: str | None = None,
                    **extra: Any) -> User:
        if not email and not extra.get("phone"):
            raise ValueError("a user needs an email address or a phone number")
        user = self.model(email=self.normalize_email(email) if email else None, **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str, **extra: Any) -> User:
        extra.update(is_staff=True, is_superuser=True, role=User.Role.ADMIN)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in: a customer, a merchant's staff, an agent or an admin."""

    class Role(models.TextChoices):
        CUSTOMER = "customer", _("Customer")
        MERCHANT = "merchant", _("Merchant")
        AGENT = "agent", _("Agent")
        SENIOR_AGENT = "senior_agent", _("Senior agent")
        SUPERVISOR = "supervisor", _("Supervisor")
        ADMIN = "admin", _("Administrator")

    email = models.EmailField(_("email address"), unique=True, null=True, blank=True)
    phone = models.CharField(_("mobile number"), max_length=20, unique=True, null=True,
                             blank=True, help_text=_("E.164, for example +8613800138000"))
    display_name = models.CharField(_("name"), max_length=80, blank=True, default="")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.CUSTOMER)
    language = models.CharField(max_length=10, default="zh-hans",
                                choices=[("zh-hans", "简体中文"), ("en", "English")])
    time_zone = models.CharField(max_length=64, default="Asia/Shanghai")
    region = models.CharField(max_length=16, default="CN")
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=clock.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(email__isnull=False) | models.Q(phone__isnull=False),
                name="user_has_email_or_phone",
            )
        ]

    def __str__(self) -> str:
        return self.display_name or self.email or self.phone or f"user {self.pk}"

    @property
    def login(self) -> str:
        return self.email or self.phone or ""


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token for API clients; only its SHA-256 is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=clock.now)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    PREFIX = "wdt_"

    def __str__(self) -> str:
        return f"token {self.pk} of {self.user_id}"

    @classmethod
    def new_key(cls) -> tuple[str, str]:
        raw = cls.PREFIX + secrets.token_urlsafe(32)
        return raw, _digest(raw)

    @staticmethod
    def digest(raw: str) -> str:
        return _digest(raw)
