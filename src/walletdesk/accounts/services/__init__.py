"""Accounts: the only place that writes users, credentials, sessions and holds.

Auth answers never reveal whether an account exists: a missing, a locked and a
right-but-refused account answer exactly like a wrong password, and sign-up,
reset and unlock requests always answer "check your messages".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest

from walletdesk.core import clock
from walletdesk.core.errors import NotFound
from walletdesk.core.services import jobs
from walletdesk.notify import limits as send_limits
from walletdesk.notify import services as notify

from .. import conf, locks, passwords, signals, token_lookup
from ..auth_context import require_recent_auth
from ..errors import (
    InvalidCode,
    InvalidCredentials,
    InvalidLogin,
    MfaRequired,
    SecondFactorNotSetUp,
    TooManyRequests,
)
from ..models import (
    AccountHold,
    ApiToken,
    Device,
    OneTimeCode,
    PasskeyChallenge,
    PendingLogin,
    User,
    keyed_digest,
)
from ..netutil import client_ip, user_agent
from . import codes, devices, events, holds, lockout, mfa

__all__ = ["InvalidCredentials"]

E164 = re.compile(r"^\+[1-9]\d{6,14}$")
MAX_LOGIN_LENGTH = 254
Purpose = OneTimeCode.Purpose


# --- logins ------------------------------------------------------------------------------

def normalize_login(raw: str) -> str:
    """NFKC (full-width characters from an IME), trimmed, domain lower-cased, phone compacted."""
    value = unicodedata.normalize("NFKC", raw or "").strip() if isinstance(raw, str) else ""
    # Printable ASCII holds none of the refused categories (every other ASCII character is Cc):
    # only other text is read character by character (a transfer normalises two logins).
    plain = value.isascii() and value.isprintable()
    if not value or len(value) > MAX_LOGIN_LENGTH or (not plain and any(
            unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in value)):
        return ""
    if "@" in value:
        local, _sep, domain = value.rpartition("@")
        return f"{local}@{domain.lower()}"
    digits = re.sub(r"[\s\-()]", "", value)
    return digits if E164.match(digits) else value


def valid_login(raw: object) -> str:
    """A well-formed email address or E.164 number, or InvalidLogin (same for every account)."""
    login = normalize_login(raw) if isinstance(raw, str) else ""
    if not login:
        raise InvalidLogin()
    if "@" in login:
        try:
            validate_email(login)
        except ValidationError as exc:
            raise InvalidLogin() from exc
        return login
    if not E164.match(login):
        raise InvalidLogin()
    return login


def find_user_by_login(raw: str) -> User | None:
    login = normalize_login(raw)
    if not login:
        return None
    field = "email__iexact" if "@" in login else "phone"
    return User.objects.filter(**{field: login}).first()


def _channel(login: str) -> str:
    return OneTimeCode.Channel.EMAIL if "@" in login else OneTimeCode.Channel.SMS


def _dummy_work(raw: str) -> None:
    """What a real account costs, done for a missing one (timing; support's guest codes)."""
    keyed_digest("code", raw)


# --- tokens --------------------------------------------------------------------------------

def issue_token(user: User, device: Device | None = None) -> str:
    raw, digest = ApiToken.new_key()
    now = clock.now()
    ApiToken.objects.create(user=user, key_hash=digest, device=device, authenticated_at=now,
                            expires_at=now + timedelta(hours=settings.API_TOKEN_TTL_HOURS))
    return raw


def token_for(raw: str) -> ApiToken | None:
    if not isinstance(raw, str) or not raw.startswith(ApiToken.PREFIX) or len(raw) > 100:
        return None
    now = clock.now()
    # ApiToken.objects.select_related("user").filter(key_hash=..., revoked_at__isnull=True,
    # expires_at__gt=now).first(), compiled once per connection (issue #16)
    token = token_lookup.active_token(ApiToken.digest(raw), now)
    if token is None or not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def token_expired(raw: object) -> bool:
    """Whether a well-formed token is ours and simply ran out (not revoked)."""
    if not isinstance(raw, str) or not raw.startswith(ApiToken.PREFIX) or len(raw) > 100:
        return False
    return ApiToken.objects.filter(key_hash=ApiToken.digest(raw), revoked_at__isnull=True,
                                   expires_at__lte=clock.now()).exists()


def user_for_token(raw: str) -> User | None:
    token = token_for(raw)
    return token.user if token else None


def revoke_token(raw: str) -> None:
    live = ApiToken.objects.filter(key_hash=ApiToken.digest(raw), revoked_at__isnull=True)
    user_id = live.values_list("user_id", flat=True).first()
    if live.update(revoked_at=clock.now()) and user_id is not None:
        signals.credentials_ended_on_commit(user_id)  # its open websockets close


# --- login -----------------------------------------------------------------------------------

@dataclass
class LoginResult:
    user: User | None = None
    token: str | None = None
    device_key: str = ""
    mfa_token: str | None = None
    methods: tuple[str, ...] = ()
    device: Device | None = None


def check_password_login(request: HttpRequest | None, login: object, password: object) -> User:
    """The password step with lockout. Every refusal is the same InvalidCredentials.

    A right password records no success here: the count starts again only when the whole
    login (the second factor included) succeeded (`finish_login`)."""
    ip = client_ip(request)
    if lockout.ip_blocked(ip):
        raise TooManyRequests()
    if not isinstance(login, str) or not isinstance(password, str) or len(password) > 1024:
        lockout.note_ip_failure(ip)
        raise InvalidCredentials()
    user = find_user_by_login(login)
    if user is None:
        with transaction.atomic():
            locks.nobody()
        User().set_password(password)  # the same hashing work as a real check
        lockout.note_ip_failure(ip)
        raise InvalidCredentials()
    result = lockout.attempt(
        user, lockout.PASSWORD, lambda: user.check_password(password) and user.is_active,
        ip=ip, event="login_failed", blocked=lambda: holds.blocks_login(user))
    if result.outcome is lockout.Outcome.LOCKED:
        User().set_password(password)  # the same work, outside the lock, password unchecked
    if not result.ok:
        lockout.note_ip_failure(ip)
        raise InvalidCredentials()
    return user


def login(request: HttpRequest | None, login: object, password: object,
          device_key: str = "", *, api: bool = True) -> LoginResult:
    user = check_password_login(request, login, password)
    ip = client_ip(request)
    device_key = device_key if devices.valid_key(device_key) else devices.new_key()
    seen = devices.look(user, device_key, ip)
    if seen.impossible_travel:
        hold_for_travel(user, ip, seen)
        raise InvalidCredentials()
    if mfa.has_mfa(user):
        return _pending(user, "mfa", device_key, ip, mfa.methods(user))
    if mfa.required(user):
        # Staff without a second factor get no session and no token (ADR 0100); the password
        # was right, so nothing is counted, and no success is recorded either.
        events.record("login_without_second_factor", user, ip=ip)
        raise SecondFactorNotSetUp()
    if seen.needs_step_up:
        result = _pending(user, "new_device", device_key, ip, ("code",))
        channel_login = user.email or user.phone or ""
        code = codes.issue(user, Purpose.LOGIN, _channel(channel_login))
        if code:
            notify.send_to("login_code", channel_login, user=user, code=code,
                           minutes=codes.ttl_minutes(_channel(channel_login)))
        return result
    return finish_login(request, user, device_key, api=api)


def _pending(user: User, reason: str, device_key: str, ip: str | None,
             methods: tuple[str, ...]) -> LoginResult:
    raw = "wdm_" + devices.new_key()
    now = clock.now()
    PendingLogin.objects.create(
        user=user, token_hash=keyed_digest("mfa", raw), reason=reason, device_key=device_key,
        ip=ip, created_at=now,
        expires_at=now + timedelta(minutes=conf.get().mfa_login_minutes))
    return LoginResult(user=user, mfa_token=raw, device_key=device_key, methods=methods)


def _live_pending(mfa_token: object) -> PendingLogin:
    if not isinstance(mfa_token, str) or len(mfa_token) > 100:
        raise InvalidCode()
    pending = PendingLogin.objects.select_related("user").filter(
        token_hash=keyed_digest("mfa", mfa_token), used_at__isnull=True, expires_at__gt=clock.now(),
        attempts__lt=5).first()
    if pending is None:
        raise InvalidCode()
    return pending


def pending_user(mfa_token: object) -> User:
    return _live_pending(mfa_token).user


def _second_factor(request: HttpRequest | None, pending: PendingLogin, code: object,
                   passkey: object) -> tuple[str, Callable[[], bool]]:
    """Which secret this answer is, and how to check it."""
    user = pending.user
    if passkey is not None and request is not None and pending.reason == "mfa":
        from . import passkeys

        return lockout.Factor.PASSKEY, lambda: passkeys.verify(request, user, passkey)
    if pending.reason == "mfa":
        return mfa.factor_of(code), lambda: mfa.verify_second_factor(user, code)

    def message_code() -> bool:
        try:
            codes.consume(user, Purpose.LOGIN, code)
        except InvalidCode:
            return False
        return True

    return lockout.Factor.CODE, message_code


def complete_login(request: HttpRequest | None, mfa_token: object, code: object, *,
                   api: bool = True, passkey: object = None) -> LoginResult:
    """The second step: a TOTP or recovery code, a passkey assertion (pages), or, for a new
    device, the code sent to the address on file. Each kind has its own failure count."""
    now = clock.now()
    pending = _live_pending(mfa_token)
    user = pending.user
    factor, check = _second_factor(request, pending, code, passkey)
    result = lockout.attempt(user, factor, check, ip=client_ip(request),
                             event="second_factor_failed",
                             blocked=lambda: holds.blocks_login(user))
    if not result.ok:
        PendingLogin.objects.filter(pk=pending.pk).update(attempts=F("attempts") + 1)
        raise InvalidCode()
    if not PendingLogin.objects.filter(pk=pending.pk, used_at__isnull=True).update(used_at=now):
        raise InvalidCode()
    return finish_login(request, user, pending.device_key, second_factor=pending.reason, api=api,
                        factors=(lockout.PASSWORD, factor))


def finish_login(request: HttpRequest | None, user: User, device_key: str,
                 second_factor: str = "", *, api: bool = True,
                 factors: tuple[str, ...] = (lockout.PASSWORD,)) -> LoginResult:
    """The login succeeded: the counts of the secrets it used start again (no others)."""
    ip = client_ip(request)
    ua = user_agent(request)
    with transaction.atomic():
        lockout.succeeded(user, *factors)
        seen = devices.look(user, device_key, ip)
        device = devices.remember(user, device_key, ip, devices.short_label(ua))
        User.objects.filter(pk=user.pk).update(last_login=clock.now())
        events.record("login", user, ip=ip, device=device.label, place=device.last_place,
                      second_factor=second_factor, new_device=seen.new_device)
        if seen.new_device and Device.objects.filter(user=user).count() > 1:
            notify.tell_owner(user, "new_device", device=device.label or "?",
                              place=device.last_place or ip or "?",
                              when=clock.now().strftime("%Y-%m-%d %H:%M"),
                              freeze_url=freeze_url(user, device))
        token = issue_token(user, device) if api else None
    return LoginResult(user=user, token=token, device_key=device_key, device=device)


def hold_for_travel(user: User, ip: str | None, seen: devices.Sighting) -> None:
    with transaction.atomic():
        holds.place(user, AccountHold.Kind.SECURITY, "impossible travel")
        User.objects.filter(pk=user.pk).update(must_change_password=True)
        events.record("impossible_travel", user, ip=ip,
                      place=seen.place.label if seen.place else "")
        notify.tell_owner(user, "account_on_hold")


# --- sign-up -----------------------------------------------------------------------------------

def register(request: HttpRequest | None, login: object, password: object) -> None:
    """Start a sign-up. The answer is the same whether or not the login exists."""
    value = valid_login(login)
    clean = passwords.check(password, user_inputs=[value])
    send_limits.request_message(value, client_ip(request))
    with transaction.atomic():
        user = find_user_by_login(value)
        if user is not None and (user.is_active or user.verified_at is not None):
            User().set_password(clean)  # the same hashing work as a new account
            events.record("signup_attempt_existing", user, ip=client_ip(request))
            notify.send_to("signup_exists", value, user=user)
            return
        if user is None:
            field = "email" if "@" in value else "phone"
            user = User(**{field: value}, is_active=False)
            user.set_password(clean)
            user.save()
        else:
            user.set_password(clean)
            user.save(update_fields=["password"])
        code = codes.issue(user, Purpose.SIGNUP, _channel(value))
        if code:
            notify.send_to("signup_code", value, user=user, code=code,
                           minutes=codes.ttl_minutes(_channel(value)))


def confirm_registration(request: HttpRequest | None, login: object, code: object,
                         device_key: str = "", *, api: bool = True) -> LoginResult:
    value = valid_login(login)
    codes.check_format(code)
    user = find_user_by_login(value)
    pending = user if user is not None and not user.is_active and user.verified_at is None else None
    codes.consume(pending, Purpose.SIGNUP, code)
    assert pending is not None
    with transaction.atomic():
        now = clock.now()
        User.objects.filter(pk=pending.pk).update(is_active=True, verified_at=now,
                                                  password_changed_at=now)
        pending.refresh_from_db()
        events.record("signed_up", pending, ip=client_ip(request))
    key = device_key if devices.valid_key(device_key) else devices.new_key()
    return finish_login(request, pending, key, api=api, factors=())


# --- reset and unlock by code --------------------------------------------------------------------

def request_code(request: HttpRequest | None, login: object, purpose: str) -> None:
    """Send a reset or unlock code to the address typed, if it is on file. Same answer always.

    The request does the same work for every login — check the form, count the send limits,
    queue one job — so neither the answer nor its time says whether an account exists; the
    job (`accounts.send_code`) looks the login up and sends the code."""
    value = valid_login(login)
    ip = client_ip(request)
    send_limits.request_message(value, ip)
    jobs.enqueue("accounts.send_code", sealed=mfa.seal(value), purpose=purpose, ip=ip)


def send_code_now(value: str, purpose: str, ip: str | None) -> None:
    """The job's work: a code to the address typed, only if an active account has it."""
    user = find_user_by_login(value)
    if user is None or not user.is_active or purpose not in (Purpose.RESET, Purpose.UNLOCK):
        return
    with transaction.atomic():
        code = codes.issue(user, purpose, _channel(value))
        if code is None:
            return
        events.record(f"{purpose}_code_sent", user, ip=ip, channel=_channel(value))
        kind = "reset_code" if purpose == Purpose.RESET else "unlock_code"
        notify.send_to(kind, value, user=user, code=code,
                       minutes=codes.ttl_minutes(_channel(value)))


def _code_and_second_factor(request: HttpRequest | None, login: object, purpose: str,
                            code: object, otp: object) -> User:
    value = valid_login(login)
    codes.check_format(code)
    user = find_user_by_login(value)
    user = user if user is not None and user.is_active else None
    ip = client_ip(request)
    if user is None:
        with transaction.atomic():
            locks.nobody()  # the same work as the guarded check below (timing)
        codes.check(None, purpose, code)
        raise InvalidCode()
    found: list[int] = []

    def check_code() -> bool:
        try:
            found.append(codes.check(user, purpose, code))
        except InvalidCode:
            return False
        return True

    if not lockout.attempt(user, lockout.Factor.CODE, check_code, ip=ip,
                           event="code_failed", during=purpose).ok:
        raise InvalidCode()
    if mfa.has_mfa(user):
        factor = mfa.factor_of(otp)
        if not lockout.attempt(user, factor, lambda: mfa.verify_second_factor(user, otp), ip=ip,
                               event="second_factor_failed", during=purpose).ok:
            codes.count_try(found[0])  # the code stays valid, but guesses of the factor count
            raise MfaRequired()
        lockout.succeeded(user, factor)
    codes.mark_used(found[0])
    lockout.succeeded(user, lockout.Factor.CODE)
    return user


def confirm_reset(request: HttpRequest | None, login: object, code: object,
                  new_password: object, otp: object = None) -> User:
    """A new password with a code (and the second factor when enrolled): every session and
    token ends, every address on file is told, outgoing money waits HOLD_AFTER_RESET_HOURS."""
    value = valid_login(login)
    clean = passwords.check(new_password, user_inputs=[value])
    user = _code_and_second_factor(request, value, Purpose.RESET, code, otp)
    with transaction.atomic():
        _set_password(user, clean)
        lockout.reset(user)
        hours = conf.get().hold_after_reset_hours
        if hours:
            holds.place(user, AccountHold.Kind.AFTER_RESET, "password reset",
                        until=clock.now() + timedelta(hours=hours), blocks_login=False)
        events.record("password_reset", user, ip=client_ip(request), hold_hours=hours)
        notify.tell_owner(user, "password_changed", hold_hours=hours)
    return user


def _set_password(user: User, clean: str) -> None:
    user.set_password(clean)
    user.password_changed_at = clock.now()
    user.must_change_password = False
    user.session_epoch = F("session_epoch") + 1
    user.save(update_fields=["password", "password_changed_at", "must_change_password",
                             "session_epoch"])
    user.refresh_from_db()
    end_tokens(user)


def confirm_unlock(request: HttpRequest | None, login: object, code: object,
                   otp: object = None) -> User:
    user = _code_and_second_factor(request, login, Purpose.UNLOCK, code, otp)
    unlock_account(user, by=user, ip=client_ip(request))
    return user


def unlock_account(user: User, *, by: User | None, ip: str | None = None) -> int:
    """End lockouts, security holds and freezes (self-service, or an agent later)."""
    with transaction.atomic():
        lockout.reset(user)
        released = holds.release(user, [AccountHold.Kind.SECURITY, AccountHold.Kind.FROZEN,
                                        AccountHold.Kind.RISK], by)
        events.record("unlocked", user, ip=ip, by=by.pk if by else None,
                      self_service=by is not None and by.pk == user.pk, released=released)
        notify.tell_owner(user, "account_unlocked")
    return released


def purge_stale_sign_ups() -> None:
    """Sign-ups never confirmed within 7 days are removed (they hold no money and no events),
    with pending logins and passkey challenges a day past their expiry."""
    cutoff = clock.now() - timedelta(days=7)
    User.objects.filter(is_active=False, verified_at__isnull=True, date_joined__lt=cutoff,
                        security_events__isnull=True).delete()
    PendingLogin.objects.filter(expires_at__lt=clock.now() - timedelta(days=1)).delete()
    PasskeyChallenge.objects.filter(expires_at__lt=clock.now() - timedelta(days=1)).delete()


# --- sessions, devices, freezing -------------------------------------------------------------------

def end_tokens(user: User) -> None:
    ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=clock.now())
    signals.credentials_ended_on_commit(user.pk)  # reset, sign out everywhere, freeze: sockets close


def end_sessions(user: User) -> None:
    """Every browser session (a new session generation) and API token of the user ends; its
    sockets close after commit."""
    User.objects.filter(pk=user.pk).update(session_epoch=F("session_epoch") + 1)
    end_tokens(user)


def sign_out_everywhere(user: User, ip: str | None = None) -> None:
    with transaction.atomic():
        end_sessions(user)
        user.refresh_from_db()
        Device.objects.filter(user=user).update(signed_out_at=clock.now())
        events.record("signed_out_everywhere", user, ip=ip)
        notify.tell_owner(user, "signed_out_everywhere")


def sign_out_device(user: User, device_id: object, *, ip: str | None = None,
                    current: int | None = None) -> Device:
    """End one device's sessions and API tokens. Another device than the caller's own needs
    a recent authentication: a stolen session must not quietly sign the owner out."""
    if not isinstance(device_id, int) or isinstance(device_id, bool):
        raise NotFound()
    device = Device.objects.filter(user=user, pk=device_id).first()
    if device is None:
        raise NotFound()
    if device.pk != current:
        require_recent_auth(user)
    now = clock.now()
    with transaction.atomic():
        Device.objects.filter(pk=device.pk).update(session_epoch=F("session_epoch") + 1,
                                                   signed_out_at=now)
        ApiToken.objects.filter(user=user, device=device, revoked_at__isnull=True).update(
            revoked_at=now)
        signals.credentials_ended_on_commit(user.pk)  # that device's sockets close
        events.record("device_signed_out", user, ip=ip, device=device.label,
                      place=device.last_place)
        notify.tell_owner(user, "device_signed_out", device=device.label or "?",
                          when=now.strftime("%Y-%m-%d %H:%M"))
    device.refresh_from_db()
    return device


def session_device_alive(device_id: object, epoch: object, user_id: object) -> bool:
    """Whether a browser session's device was not signed out since the session began."""
    try:
        ids = [int(v) for v in (device_id, epoch, user_id)]  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return False
    return Device.objects.filter(pk=ids[0], session_epoch=ids[1], user_id=ids[2]).exists()


FREEZE_SALT = "walletdesk.accounts.freeze"


def freeze_url(user: User, device: Device) -> str:
    from django.urls import reverse

    token = signing.dumps({"u": user.pk, "d": device.pk}, salt=FREEZE_SALT)
    return settings.SITE_URL.rstrip("/") + reverse("accounts:freeze", args=[token])


def user_for_freeze_token(token: str) -> User | None:
    try:
        data = signing.loads(token, salt=FREEZE_SALT, max_age=7 * 24 * 3600)
    except signing.BadSignature:
        return None
    return User.objects.filter(pk=data.get("u")).first()


def freeze(user: User, *, reason: str, ip: str | None = None) -> None:
    """The owner's one-tap freeze: no login and no outgoing money until unlocked."""
    with transaction.atomic():
        if not holds.active(user).filter(kind=AccountHold.Kind.FROZEN).exists():
            holds.place(user, AccountHold.Kind.FROZEN, reason)
        # "This was not me" is evidence that the password is known: change it after unlocking.
        User.objects.filter(pk=user.pk).update(session_epoch=F("session_epoch") + 1,
                                               must_change_password=True)
        end_tokens(user)
        events.record("frozen", user, ip=ip, reason=reason)
        notify.tell_owner(user, "account_frozen")
