"""Security settings the owner changes: step-up, password, authenticator, phrase, check-up."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from walletdesk.core import clock
from walletdesk.core.errors import ValidationFailed
from walletdesk.notify import services as notify

from .. import passwords
from ..auth_context import require_recent_auth as require_recent_auth
from ..errors import InvalidCode, SecondFactorStillNeeded, TooManyAttempts
from ..models import ApiToken, Device, Passkey, User
from . import _set_password, events, holds, lockout, mfa

PHRASE_MAX = 40


def step_up(user: User, *, password: object = None, otp: object = None) -> datetime:
    """Prove it is you again: the authenticator app when enrolled, the password otherwise.
    Wrong answers count against that secret's lockout, exactly as at login."""
    if mfa.has_totp(user):
        factor = mfa.factor_of(otp)
        result = lockout.attempt(user, factor, lambda: mfa.verify_second_factor(user, otp),
                                 event="step_up_failed")
    else:
        factor = lockout.PASSWORD
        result = lockout.attempt(
            user, factor, lambda: isinstance(password, str) and len(password) <= 1024
            and user.check_password(password), event="step_up_failed")
    if result.outcome is lockout.Outcome.LOCKED:
        raise TooManyAttempts(retry_after=result.retry_after or 60)
    if not result.ok:
        raise InvalidCode(_("That did not match. Try again."))
    lockout.succeeded(user, factor)
    events.record("step_up", user)
    return clock.now()


def mark_token_fresh(token: ApiToken) -> None:
    ApiToken.objects.filter(pk=token.pk).update(authenticated_at=clock.now())


def change_password(user: User, *, new_password: object) -> None:
    require_recent_auth(user)
    clean = passwords.check(new_password, user_inputs=[user.login, user.display_name])
    with transaction.atomic():
        _set_password(user, clean)
        events.record("password_changed", user)
        notify.tell_owner(user, "password_changed", hold_hours=0)


def set_phrase(user: User, phrase: object) -> None:
    require_recent_auth(user)
    if not isinstance(phrase, str) or len(phrase.strip()) > PHRASE_MAX or any(
            c in "<>" or unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") for c in phrase):
        raise ValidationFailed(_("Use up to 40 characters on one line, without < or >."))
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(anti_phishing_phrase=phrase.strip())
        user.anti_phishing_phrase = phrase.strip()
        events.record("anti_phishing_phrase_set", user)


def begin_totp(user: User) -> tuple[str, str]:
    require_recent_auth(user)
    return mfa.begin(user)


def confirm_totp(user: User, code: object) -> list[str]:
    require_recent_auth(user)
    with transaction.atomic():
        recovery = mfa.confirm(user, code)
        if recovery is None:
            raise InvalidCode()
        events.record("mfa_enabled", user, method="totp")
        notify.tell_owner(user, "mfa_changed", change=str(_("authenticator app turned on")))
    return recovery


def disable_totp(user: User) -> None:
    require_recent_auth(user)
    if mfa.required(user) and not Passkey.objects.filter(user=user).exists():
        raise SecondFactorStillNeeded()  # staff keep a second factor (ADR 0100)
    with transaction.atomic():
        mfa.disable(user)
        events.record("mfa_disabled", user, method="totp")
        notify.tell_owner(user, "mfa_changed", change=str(_("authenticator app turned off")))


def set_reminder(user: User, days: int | None) -> None:
    if days is not None and days not in (90, 180, 365):
        raise ValidationFailed()
    User.objects.filter(pk=user.pk).update(password_reminder_days=days)
    events.record("password_reminder_set", user, days=days)


@dataclass
class Checkup:
    password_age_days: int
    reminder_days: int | None
    reminder_due: bool
    must_change: bool
    mfa: bool
    recovery_left: int
    devices: list[Device]
    phrase_set: bool
    holds: list[str]

    @property
    def score(self) -> int:
        return sum([self.mfa, self.phrase_set, not self.must_change, self.recovery_left > 2])


def checkup(user: User) -> Checkup:
    since = user.password_changed_at or user.date_joined
    age = max((clock.now() - since).days, 0)
    due = bool(user.password_reminder_days and age >= user.password_reminder_days)
    return Checkup(
        password_age_days=age, reminder_days=user.password_reminder_days, reminder_due=due,
        must_change=user.must_change_password, mfa=mfa.has_mfa(user),
        recovery_left=mfa.remaining_recovery_codes(user),
        devices=list(Device.objects.filter(user=user, last_seen_at__gte=clock.now()
                                           - timedelta(days=90)).order_by("-last_seen_at")),
        phrase_set=bool(user.anti_phishing_phrase),
        holds=[str(h.get_kind_display()) for h in holds.active(user)])


def add_passkey(request: HttpRequest, user: User, credential: object,
                name: str) -> tuple[Passkey, list[str]]:
    """Register a passkey; the first second factor also gets 10 recovery codes."""
    from . import passkeys

    require_recent_auth(user)
    # Outside the transaction below: a wrong answer still uses its challenge up.
    key = passkeys.register(request, user, credential, name)
    if key is None:
        raise InvalidCode(_("The passkey could not be added. Try again."))
    with transaction.atomic():
        recovery = [] if mfa.remaining_recovery_codes(user) else mfa.new_recovery_codes(user)
        events.record("passkey_added", user, name=key.name)
        notify.tell_owner(user, "mfa_changed", change=str(_("passkey added")))
    return key, recovery


def passkey_registration_options(request: HttpRequest, user: User) -> str:
    """The options for adding a passkey (a recent authentication first)."""
    from . import passkeys

    require_recent_auth(user)
    return passkeys.registration_options(request, user)


def remove_passkey(user: User, passkey_id: int) -> None:
    require_recent_auth(user)
    if (mfa.required(user) and not mfa.has_totp(user)
            and not Passkey.objects.filter(user=user).exclude(pk=passkey_id).exists()):
        raise SecondFactorStillNeeded()  # staff keep a second factor (ADR 0100)
    with transaction.atomic():
        if Passkey.objects.filter(user=user, pk=passkey_id).delete()[0]:
            events.record("passkey_removed", user)
            notify.tell_owner(user, "mfa_changed", change=str(_("passkey removed")))
