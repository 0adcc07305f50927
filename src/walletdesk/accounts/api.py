"""Auth API: thin handlers over services (parse, authorize, call one service, serialize)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from walletdesk.core.schemas import LOGIN, SECOND_FACTOR, SENT_CODE, TOTP, ErrorOut

from . import services
from .auth import USER_AUTH, AuthedRequest, end_token, token_freshened
from .models import ApiToken, Device, OneTimeCode, Passkey
from .netutil import client_ip
from .schemas import CreationOptionsOut, RequestOptionsOut
from .services import devices, passkeys, security
from .sessions import DEVICE_KEY as DEVICE_SESSION

router = Router(tags=["auth"])
Purpose = OneTimeCode.Purpose



class LoginIn(Schema):
    login: str = Field(description="email address or mobile number (+8613800138000)",
                       json_schema_extra=LOGIN)
    password: str


class LoginOut(Schema):
    token: str
    token_type: str = "Bearer"
    user_id: int
    role: str
    display_name: str
    device_key: str = ""
    must_change_password: bool = False


class MfaOut(Schema):
    mfa_required: bool = True
    mfa_token: str
    methods: list[str]


class MfaIn(Schema):
    mfa_token: str
    code: str = Field(description="six authenticator digits, or a recovery code",
                      json_schema_extra=SECOND_FACTOR)


class AcceptedOut(Schema):
    status: str = "accepted"
    message: str


class RegisterIn(Schema):
    login: str = Field(json_schema_extra=LOGIN)
    password: str


class CodeIn(Schema):
    login: str = Field(json_schema_extra=LOGIN)
    code: str = Field(description="the code we sent", json_schema_extra=SENT_CODE)


class ResetRequestIn(Schema):
    login: str = Field(json_schema_extra=LOGIN)


class ResetConfirmIn(Schema):
    login: str = Field(json_schema_extra=LOGIN)
    code: str = Field(description="the code we sent", json_schema_extra=SENT_CODE)
    new_password: str
    otp: str | None = Field(None, description="with two-step verification on: its code",
                            json_schema_extra=SECOND_FACTOR)


class UnlockConfirmIn(Schema):
    login: str = Field(json_schema_extra=LOGIN)
    code: str = Field(description="the code we sent", json_schema_extra=SENT_CODE)
    otp: str | None = Field(None, description="with two-step verification on: its code",
                            json_schema_extra=SECOND_FACTOR)


ERRORS = {401: ErrorOut, 403: ErrorOut, 400: ErrorOut, 422: ErrorOut, 429: ErrorOut}


def _login_out(result: services.LoginResult) -> LoginOut:
    user = result.user
    assert user is not None and result.token is not None
    return LoginOut(token=result.token, user_id=user.pk, role=user.role, display_name=str(user),
                    device_key=result.device_key, must_change_password=user.must_change_password)


@router.post("/login", response={200: LoginOut | MfaOut, **ERRORS}, auth=None)
def login(request: HttpRequest, payload: LoginIn) -> LoginOut | MfaOut:
    result = services.login(request, payload.login, payload.password,
                            request.headers.get(devices.HEADER, ""))
    if result.mfa_token:
        return MfaOut(mfa_token=result.mfa_token, methods=list(result.methods))
    return _login_out(result)


@router.post("/login/mfa", response={200: LoginOut, **ERRORS}, auth=None)
def login_mfa(request: HttpRequest, payload: MfaIn) -> LoginOut:
    return _login_out(services.complete_login(request, payload.mfa_token, payload.code))


@router.post("/logout", response={204: None}, auth=USER_AUTH)
def logout(request: AuthedRequest) -> tuple[int, None]:
    end_token(request)
    return 204, None


def _accepted() -> tuple[int, AcceptedOut]:
    return 202, AcceptedOut(message=_("If the address can receive messages from us, a code is on "
                                      "its way. Check your email or text messages."))


@router.post("/register", response={202: AcceptedOut, **ERRORS}, auth=None)
def register(request: HttpRequest, payload: RegisterIn) -> tuple[int, AcceptedOut]:
    services.register(request, payload.login, payload.password)
    return _accepted()


@router.post("/register/confirm", response={200: LoginOut, **ERRORS}, auth=None)
def register_confirm(request: HttpRequest, payload: CodeIn) -> LoginOut:
    return _login_out(services.confirm_registration(request, payload.login, payload.code))


@router.post("/password-reset", response={202: AcceptedOut, **ERRORS}, auth=None)
def password_reset(request: HttpRequest, payload: ResetRequestIn) -> tuple[int, AcceptedOut]:
    services.request_code(request, payload.login, Purpose.RESET)
    return _accepted()


@router.post("/password-reset/confirm", response={200: AcceptedOut, **ERRORS}, auth=None)
def password_reset_confirm(request: HttpRequest, payload: ResetConfirmIn) -> AcceptedOut:
    services.confirm_reset(request, payload.login, payload.code, payload.new_password,
                           payload.otp)
    return AcceptedOut(status="done", message=_("Your password was changed. Log in with it now."))


@router.post("/unlock", response={202: AcceptedOut, **ERRORS}, auth=None)
def unlock(request: HttpRequest, payload: ResetRequestIn) -> tuple[int, AcceptedOut]:
    services.request_code(request, payload.login, Purpose.UNLOCK)
    return _accepted()


@router.post("/unlock/confirm", response={200: AcceptedOut, **ERRORS}, auth=None)
def unlock_confirm(request: HttpRequest, payload: UnlockConfirmIn) -> AcceptedOut:
    services.confirm_unlock(request, payload.login, payload.code, payload.otp)
    return AcceptedOut(status="done", message=_("Your account is unlocked. You can log in again."))


# --- the signed-in owner ------------------------------------------------------------------

class StepUpIn(Schema):
    password: str | None = None
    otp: str | None = Field(None, description="six authenticator digits, or a recovery code",
                            json_schema_extra=SECOND_FACTOR)


class StepUpOut(Schema):
    authenticated_at: datetime


@router.post("/step-up", response={200: StepUpOut, **ERRORS}, auth=USER_AUTH)
def step_up(request: AuthedRequest, payload: StepUpIn) -> StepUpOut:
    at = security.step_up(request.user, password=payload.password, otp=payload.otp)
    token: ApiToken | None = getattr(request, "api_token", None)
    if token is not None:
        security.mark_token_fresh(token)
        token_freshened(request)
    else:
        request.session.cycle_key()
        request.session["auth_at"] = at.isoformat()
    return StepUpOut(authenticated_at=at)


class TotpBeginOut(Schema):
    secret: str
    otpauth_uri: str


class OtpIn(Schema):
    code: str = Field(description="six digits from the authenticator app", json_schema_extra=TOTP)


class RecoveryOut(Schema):
    recovery_codes: list[str]


@router.post("/mfa/totp", response={200: TotpBeginOut, **ERRORS, 409: ErrorOut}, auth=USER_AUTH)
def totp_begin(request: AuthedRequest) -> TotpBeginOut:
    secret, uri = security.begin_totp(request.user)
    return TotpBeginOut(secret=secret, otpauth_uri=uri)


@router.post("/mfa/totp/confirm", response={200: RecoveryOut, **ERRORS}, auth=USER_AUTH)
def totp_confirm(request: AuthedRequest, payload: OtpIn) -> RecoveryOut:
    return RecoveryOut(recovery_codes=security.confirm_totp(request.user, payload.code))


@router.post("/mfa/totp/disable", response={204: None, **ERRORS}, auth=USER_AUTH)
def totp_disable(request: AuthedRequest) -> tuple[int, None]:
    security.disable_totp(request.user)
    return 204, None


class PhraseIn(Schema):
    phrase: str


@router.put("/anti-phishing-phrase", response={204: None, **ERRORS}, auth=USER_AUTH)
def set_phrase(request: AuthedRequest, payload: PhraseIn) -> tuple[int, None]:
    security.set_phrase(request.user, payload.phrase)
    return 204, None


class DeviceOut(Schema):
    id: int
    label: str
    last_seen_at: datetime
    last_place: str
    signed_out: bool
    current: bool = False


def _current_device(request: HttpRequest) -> int | None:
    token: ApiToken | None = getattr(request, "api_token", None)
    if token is not None:
        return token.device_id
    found = request.session.get(DEVICE_SESSION)
    return found[0] if isinstance(found, list) and found else None


@router.get("/devices", response=list[DeviceOut], auth=USER_AUTH)
def device_list(request: AuthedRequest) -> list[DeviceOut]:
    current = _current_device(request)
    return [DeviceOut(id=d.pk, label=d.label, last_seen_at=d.last_seen_at, last_place=d.last_place,
                      signed_out=d.signed_out_at is not None, current=d.pk == current)
            for d in Device.objects.filter(user=request.user).order_by("-last_seen_at")]


@router.post("/devices/{device_id}/sign-out", response={204: None, **ERRORS, 404: ErrorOut},
             auth=USER_AUTH)
def sign_out_device(request: AuthedRequest, device_id: int) -> tuple[int, None]:
    """End one device's sessions and tokens (another device than the caller's: step-up)."""
    services.sign_out_device(request.user, device_id, ip=client_ip(request),
                             current=_current_device(request))
    return 204, None


@router.post("/sign-out-everywhere", response={204: None, **ERRORS}, auth=USER_AUTH)
def sign_out_everywhere(request: AuthedRequest) -> tuple[int, None]:
    services.sign_out_everywhere(request.user, client_ip(request))
    return 204, None


# --- passkeys (WebAuthn): the same ceremonies as the pages ------------------------------------

class PasskeyIn(Schema):
    credential: dict[str, Any]
    name: str = ""


class PasskeyAddedOut(Schema):
    id: int
    name: str
    recovery_codes: list[str]


class PasskeyOut(Schema):
    id: int
    name: str
    created_at: datetime
    last_used_at: datetime | None


class PasskeyLoginIn(Schema):
    mfa_token: str
    credential: dict[str, Any]


class MfaTokenIn(Schema):
    mfa_token: str


@router.post("/passkeys/register/options", response={200: CreationOptionsOut, **ERRORS},
             auth=USER_AUTH, exclude_unset=True)
def passkey_register_options(request: AuthedRequest) -> dict[str, Any]:
    """PublicKeyCredentialCreationOptions for navigator.credentials.create (step-up first)."""
    options: dict[str, Any] = json.loads(security.passkey_registration_options(request, request.user))
    return options


@router.post("/passkeys/register/verify", response={201: PasskeyAddedOut, **ERRORS},
             auth=USER_AUTH)
def passkey_register_verify(request: AuthedRequest, payload: PasskeyIn) -> tuple[int, PasskeyAddedOut]:
    key, recovery = security.add_passkey(request, request.user, payload.credential,
                                         payload.name[:60])
    return 201, PasskeyAddedOut(id=key.pk, name=key.name, recovery_codes=recovery)


@router.get("/passkeys", response=list[PasskeyOut], auth=USER_AUTH)
def passkey_list(request: AuthedRequest) -> list[PasskeyOut]:
    return [PasskeyOut(id=k.pk, name=k.name, created_at=k.created_at, last_used_at=k.last_used_at)
            for k in Passkey.objects.filter(user=request.user).order_by("created_at")]


@router.delete("/passkeys/{passkey_id}", response={204: None, **ERRORS}, auth=USER_AUTH)
def passkey_remove(request: AuthedRequest, passkey_id: int) -> tuple[int, None]:
    security.remove_passkey(request.user, passkey_id)
    return 204, None


@router.post("/login/passkey/options", response={200: RequestOptionsOut, **ERRORS}, auth=None,
             exclude_unset=True)
def login_passkey_options(request: HttpRequest, payload: MfaTokenIn) -> dict[str, Any]:
    """PublicKeyCredentialRequestOptions for the second step of a login (``mfa_token``)."""
    user = services.pending_user(payload.mfa_token)
    options: dict[str, Any] = json.loads(passkeys.authentication_options(request, user))
    return options


@router.post("/login/passkey/verify", response={200: LoginOut, **ERRORS}, auth=None)
def login_passkey_verify(request: HttpRequest, payload: PasskeyLoginIn) -> LoginOut:
    return _login_out(services.complete_login(request, payload.mfa_token, None,
                                              passkey=payload.credential))
