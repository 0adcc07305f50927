"""Two-step verification: TOTP (RFC 6238 via pyotp, ±1 step, a used step never again)
and 10 single-use recovery codes (keyed hashes only)."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import unicodedata

import pyotp
from django.conf import settings
from nacl.secret import SecretBox

from walletdesk.core import clock
from walletdesk.core.errors import Conflict

from ..models import Passkey, RecoveryCode, TotpDevice, User, keyed_digest

STEP = 30
RECOVERY_COUNT = 10
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
ISSUER = "walletdesk"


def _box() -> SecretBox:
    return SecretBox(hashlib.sha256(f"{settings.SECRET_KEY}:totp".encode()).digest())


def seal(secret: str) -> str:
    return bytes(_box().encrypt(secret.encode())).hex()


def unseal(sealed: str) -> str:
    return _box().decrypt(bytes.fromhex(sealed)).decode()


def has_totp(user: User) -> bool:
    return TotpDevice.objects.filter(user=user, confirmed_at__isnull=False).exists()


def has_mfa(user: User) -> bool:
    """An authenticator app or a passkey is enrolled."""
    return has_totp(user) or Passkey.objects.filter(user=user).exists()


# Desk staff read customers' data: a password alone never signs them in (ADR 0100).
STAFF_ROLES = (User.Role.AGENT, User.Role.SENIOR_AGENT, User.Role.SUPERVISOR, User.Role.ADMIN)


def required(user: User) -> bool:
    """Whether this person must pass a second factor to sign in: every desk role, and anyone
    who can open the back office."""
    return user.role in STAFF_ROLES or user.is_staff or user.is_superuser


def methods(user: User) -> tuple[str, ...]:
    found = []
    if has_totp(user):
        found.append("totp")
    if Passkey.objects.filter(user=user).exists():
        found.append("webauthn")
    return (*found, "recovery_code")


def begin(user: User) -> tuple[str, str]:
    """A fresh secret for the authenticator app; returns (secret, otpauth URI)."""
    if has_totp(user):
        raise Conflict()
    secret = pyotp.random_base32()
    TotpDevice.objects.update_or_create(user=user, defaults={
        "sealed_secret": seal(secret), "created_at": clock.now(), "confirmed_at": None,
        "last_used_step": 0})
    return secret, pyotp.TOTP(secret).provisioning_uri(name=user.login, issuer_name=ISSUER)


def pending_secret(user: User) -> str | None:
    dev = TotpDevice.objects.filter(user=user, confirmed_at__isnull=True).first()
    return unseal(dev.sealed_secret) if dev else None


def _match_step(device: TotpDevice, code: str) -> int | None:
    totp = pyotp.TOTP(unseal(device.sealed_secret))
    now_step = int(clock.now().timestamp()) // STEP
    found = None
    for step in (now_step - 1, now_step, now_step + 1):
        if hmac.compare_digest(totp.at(step * STEP), code):
            found = step
    return found


def _six_digits(code: object) -> str | None:
    if not isinstance(code, str) or len(code) > 40:
        return None
    value = unicodedata.normalize("NFKC", code).strip()
    return value if re.fullmatch(r"[0-9]{6}", value) else None


def verify_totp(user: User, code: object, *, confirmed: bool = True) -> bool:
    code = _six_digits(code)
    if code is None:
        return False
    device = TotpDevice.objects.filter(user=user, confirmed_at__isnull=not confirmed).first()
    if device is None:
        return False
    step = _match_step(device, code)
    if step is None:
        return False
    # A step is used at most once: the guarded update lets one submission win.
    return bool(TotpDevice.objects.filter(pk=device.pk, last_used_step__lt=step)
                .update(last_used_step=step))


def confirm(user: User, code: object) -> list[str] | None:
    """Turn the pending authenticator on; returns new recovery codes or None if the code is wrong."""
    if not verify_totp(user, code, confirmed=False):
        return None
    TotpDevice.objects.filter(user=user, confirmed_at__isnull=True).update(confirmed_at=clock.now())
    return new_recovery_codes(user)


def _norm_recovery(raw: str) -> str:
    return re.sub(r"[\s\-]", "", raw).lower()


def new_recovery_codes(user: User) -> list[str]:
    RecoveryCode.objects.filter(user=user).delete()
    codes = ["".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(10)) for _ in
             range(RECOVERY_COUNT)]
    RecoveryCode.objects.bulk_create([
        RecoveryCode(user=user, code_hash=keyed_digest("recovery", f"{user.pk}:{c}")) for c in codes])
    return [f"{c[:5]}-{c[5:]}" for c in codes]


def use_recovery_code(user: User, raw: object) -> bool:
    if not isinstance(raw, str) or len(raw) > 40:
        return False
    digest = keyed_digest("recovery", f"{user.pk}:{_norm_recovery(raw)}")
    return bool(RecoveryCode.objects.filter(user=user, code_hash=digest, used_at__isnull=True)
                .update(used_at=clock.now()))


def factor_of(code: object) -> str:
    """The guard a typed second factor counts against: six digits are an authenticator code,
    anything else a recovery code."""
    return "totp" if _six_digits(code) is not None else "recovery_code"


def verify_second_factor(user: User, code: object) -> bool:
    if _six_digits(code) is not None:
        return verify_totp(user, code)
    return use_recovery_code(user, code)


def remaining_recovery_codes(user: User) -> int:
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()


def enroll_now(user: User) -> str:
    """A confirmed authenticator with a fresh secret (an administrator sets up a staff member,
    or the demo): replaces any earlier one, never touches recovery codes; returns the secret."""
    secret = pyotp.random_base32()
    TotpDevice.objects.update_or_create(user=user, defaults={
        "sealed_secret": seal(secret), "created_at": clock.now(), "confirmed_at": clock.now(),
        "last_used_step": 0})
    return secret


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.login, issuer_name=ISSUER)


def disable(user: User) -> None:
    TotpDevice.objects.filter(user=user).delete()
    RecoveryCode.objects.filter(user=user).delete()
