from __future__ import annotations

import hashlib
import secrets
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.db.models.functions import Upper
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
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.CUSTOMER,
                            verbose_name=_("role"))
    language = models.CharField(max_length=10, default="zh-hans",
                                choices=[("zh-hans", "简体中文"), ("en", "English"), ("zh-hant", "繁體中文")],
                                verbose_name=_("language"))
    time_zone = models.CharField(max_length=64, default=settings.DEFAULT_USER_TIME_ZONE,
                                 verbose_name=_("time zone"))
    region = models.CharField(max_length=16, default="CN", verbose_name=_("region"))
    is_active = models.BooleanField(default=True, verbose_name=_("active"))
    is_staff = models.BooleanField(default=False, verbose_name=_("staff"))
    date_joined = models.DateTimeField(default=clock.now, verbose_name=_("joined"))
    # --- security (issue 3)
    anti_phishing_phrase = models.CharField(_("anti-phishing phrase"), max_length=40, blank=True,
                                            default="")
    password_changed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("password changed at"))
    password_reminder_days = models.PositiveIntegerField(null=True, blank=True,
                                                         verbose_name=_("password reminder (days)"))
    must_change_password = models.BooleanField(default=False, verbose_name=_("must change the password"))
    # Bumped by "sign out everywhere": part of the session hash, so every session ends.
    session_epoch = models.PositiveIntegerField(default=0, verbose_name=_("session generation"))
    # Set when the address was proven with a code at sign-up (None for pending sign-ups).
    verified_at = models.DateTimeField(null=True, blank=True, verbose_name=_("verified at"))

    objects = UserManager()

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(email__isnull=False) | models.Q(phone__isnull=False),
                name="user_has_email_or_phone",
            )
        ]
        # Logins and transfer recipients are found by email__iexact (UPPER(email) = UPPER(%s)):
        # without this index every lookup reads the whole user table.
        indexes = [models.Index(Upper("email"), name="user_email_upper")]

    def __str__(self) -> str:
        return self.display_name or self.email or self.phone or f"user {self.pk}"

    @property
    def login(self) -> str:
        return self.email or self.phone or ""

    def set_password(self, raw_password: str | None) -> None:
        """Passwords are NFKC-normalized before hashing (and before checking)."""
        import unicodedata

        if isinstance(raw_password, str):
            raw_password = unicodedata.normalize("NFKC", raw_password)
        super().set_password(raw_password)

    def check_password(self, raw_password: str | None) -> bool:
        import unicodedata

        if not isinstance(raw_password, str):
            return False
        return super().check_password(unicodedata.normalize("NFKC", raw_password))

    def get_session_auth_hash(self) -> str:
        """The password hash and the session epoch: a reset or "sign out everywhere" ends sessions."""
        from django.utils.crypto import salted_hmac

        return salted_hmac("walletdesk.accounts.session", f"{self.password}:{self.session_epoch}",
                           algorithm="sha256").hexdigest()


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


# The roles that work the desk (console, reports, reviews): the pages and the navigation.
STAFF_ROLES = (User.Role.AGENT.value, User.Role.SENIOR_AGENT.value, User.Role.SUPERVISOR.value,
               User.Role.ADMIN.value)


class ApiToken(models.Model):
    """A bearer token for API clients; only its SHA-256 is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=clock.now)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # When the holder last proved who they are (login, second factor or step-up).
    authenticated_at = models.DateTimeField(null=True, blank=True)
    device = models.ForeignKey("Device", null=True, blank=True, on_delete=models.SET_NULL)

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


def keyed_digest(purpose: str, raw: str) -> str:
    """HMAC-SHA256 under the secret key: short codes cannot be brute-forced from a DB dump."""
    from django.utils.crypto import salted_hmac

    return salted_hmac(f"walletdesk.accounts.{purpose}", raw, algorithm="sha256").hexdigest()


class LoginGuard(models.Model):
    """Failed logins of one account, counted across IP addresses (tiered lockout)."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="login_guard")
    failures = models.PositiveIntegerField(default=0)
    window_started_at = models.DateTimeField(default=clock.now)
    locked_until = models.DateTimeField(null=True, blank=True)
    # When the owner was told about this run of failures (once per episode; cleared when the
    # count starts again).
    notified_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"guard of {self.user_id}: {self.failures}"


class FactorGuard(models.Model):
    """Failed tries of one secret other than the password (TOTP, recovery code, passkey,
    a code sent by message), per account: the same tiers as the password, counted apart so
    that a right secret of one kind never clears the count of another."""

    class Factor(models.TextChoices):
        TOTP = "totp", _("authenticator code")
        RECOVERY = "recovery_code", _("recovery code")
        PASSKEY = "passkey", _("passkey")
        CODE = "code", _("code sent by message")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="factor_guards")
    factor = models.CharField(max_length=20, choices=Factor.choices)
    failures = models.PositiveIntegerField(default=0)
    window_started_at = models.DateTimeField(default=clock.now)
    locked_until = models.DateTimeField(null=True, blank=True)
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "factor"],
                                               name="factorguard_user_factor")]

    def __str__(self) -> str:
        return f"{self.factor} guard of {self.user_id}: {self.failures}"


class RateCounter(models.Model):
    """A fixed-window counter shared by every process (per-IP limits)."""

    key = models.CharField(max_length=120)
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "window_start"],
                                               name="ratecounter_key_window")]

    def __str__(self) -> str:
        return f"{self.key}@{self.window_start}: {self.count}"


class OneTimeCode(models.Model):
    """A short numeric code sent by email or SMS; only its keyed hash is stored."""

    class Purpose(models.TextChoices):
        SIGNUP = "signup", _("sign-up")
        RESET = "reset", _("password reset")
        UNLOCK = "unlock", _("unlock")
        LOGIN = "login", _("login from a new device")

    class Channel(models.TextChoices):
        EMAIL = "email", _("email")
        SMS = "sms", _("SMS")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="codes")
    purpose = models.CharField(max_length=10, choices=Purpose.choices)
    channel = models.CharField(max_length=5, choices=Channel.choices)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=clock.now)
    expires_at = models.DateTimeField()
    attempts = models.PositiveIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "purpose", "created_at"], name="otc_user_purpose")]

    def __str__(self) -> str:
        return f"{self.purpose} code {self.pk}"


class PendingLogin(models.Model):
    """A password that was right, waiting for a second factor; the client holds the token."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="pending_logins")
    token_hash = models.CharField(max_length=64, unique=True)
    reason = models.CharField(max_length=20, default="mfa")  # "mfa" or "new_device"
    device_key = models.CharField(max_length=64, blank=True, default="")
    ip = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(default=clock.now)
    expires_at = models.DateTimeField()
    attempts = models.PositiveIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"pending login {self.pk} of {self.user_id}"


class TotpDevice(models.Model):
    """An authenticator app; the secret is sealed with a key derived from SECRET_KEY."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="totp")
    sealed_secret = models.TextField()
    created_at = models.DateTimeField(default=clock.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    last_used_step = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"authenticator of {self.user_id}"


class RecoveryCode(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="recovery_codes")
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=clock.now)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"recovery code {self.pk}"


class Device(models.Model):
    """A browser or app that logged in, known by a random id kept in a cookie or header."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="devices")
    key_hash = models.CharField(max_length=64)
    label = models.CharField(max_length=120, blank=True, default="")
    first_seen_at = models.DateTimeField(default=clock.now)
    last_seen_at = models.DateTimeField(default=clock.now)
    last_ip = models.GenericIPAddressField(null=True, blank=True)
    last_place = models.CharField(max_length=80, blank=True, default="")
    last_country = models.CharField(max_length=2, blank=True, default="")
    last_lat = models.FloatField(null=True, blank=True)
    last_lon = models.FloatField(null=True, blank=True)
    signed_out_at = models.DateTimeField(null=True, blank=True)
    # Bumped by signing this device out: a session remembers the epoch it started in.
    session_epoch = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key_hash"], name="device_user_key")]

    def __str__(self) -> str:
        return self.label or f"device {self.pk}"


class BrowserSession(AbstractBaseSession):
    """A browser's session: Django's database session with whom it signed in kept in columns
    of its own, copied from its signed data each time the session is saved. A signed-in page
    then reads the session, its user and its device check in one statement (issue #16, ADR
    0122). The signed data stays the authority: the columns only say which rows to join, and
    the joined user is taken only when the data names the same user and device."""

    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.CASCADE,
                             related_name="+")
    device_pk = models.BigIntegerField(null=True, blank=True)
    device_epoch = models.BigIntegerField(null=True, blank=True)

    class Meta:
        db_table = "accounts_session"
        verbose_name = _("browser session")


class AccountHold(models.Model):
    """Something that stops logins and/or outgoing money until it ends or is released."""

    class Kind(models.TextChoices):
        SECURITY = "security", _("security hold")
        FROZEN = "frozen", _("frozen by the owner")
        AFTER_RESET = "after_reset", _("hold after a password reset")
        RISK = "risk", _("held by risk rules")
        REVIEW = "review", _("frozen after a payment review")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="holds", verbose_name=_("user"))
    kind = models.CharField(max_length=12, choices=Kind.choices, verbose_name=_("kind"))
    reason = models.CharField(max_length=200, blank=True, default="", verbose_name=_("reason"))
    blocks_login = models.BooleanField(default=True, verbose_name=_("blocks signing in"))
    created_at = models.DateTimeField(default=clock.now, verbose_name=_("created at"))
    until = models.DateTimeField(null=True, blank=True, verbose_name=_("until"))
    released_at = models.DateTimeField(null=True, blank=True, verbose_name=_("released at"))
    released_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("released by"))

    class Meta:
        verbose_name = _("account hold")
        verbose_name_plural = _("account holds")

    def __str__(self) -> str:
        return f"{self.kind} hold of {self.user_id}"


class SecurityEvent(models.Model):
    """Append-only and hash-chained: each row stores the hash of the one before it."""

    # PROTECT: clearing the user id would change a hashed row and break the chain.
    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="security_events", verbose_name=_("user"))
    kind = models.CharField(max_length=40, verbose_name=_("kind"))
    at = models.DateTimeField(default=clock.now, verbose_name=_("time"))
    ip = models.GenericIPAddressField(null=True, blank=True, verbose_name=_("IP address"))
    data = models.JSONField(default=dict, blank=True, verbose_name=_("details"))
    prev_hash = models.CharField(max_length=64, unique=True, verbose_name=_("previous hash"))
    hash = models.CharField(max_length=64, unique=True, verbose_name=_("hash"))

    class Meta:
        verbose_name = _("security event")
        verbose_name_plural = _("security events")
        indexes = [models.Index(fields=["user", "at"], name="secevent_user_at")]

    def __str__(self) -> str:
        return f"{self.kind} at {self.at:%Y-%m-%d %H:%M:%S}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ValueError("security events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ValueError("security events are append-only")


class Passkey(models.Model):
    """A WebAuthn credential (a passkey or security key) used as a second factor."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="passkeys")
    credential_id = models.CharField(max_length=400, unique=True)  # base64url
    public_key = models.TextField()  # base64url of the COSE key
    sign_count = models.BigIntegerField(default=0)
    name = models.CharField(max_length=60, blank=True, default="")
    created_at = models.DateTimeField(default=clock.now)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.name or f"passkey {self.pk}"


class PasskeyChallenge(models.Model):
    """A WebAuthn challenge handed out for one ceremony (pages and API alike), used once.

    Only its keyed hash is stored; the answer names it in its signed client data.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="passkey_challenges")
    purpose = models.CharField(max_length=10)  # "register" or "login"
    challenge_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=clock.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.purpose} challenge {self.pk}"
