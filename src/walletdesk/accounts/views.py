"""Account pages: sign-up, login steps, reset and unlock by code, security check-up.

Each page calls the same services as the API; every form is CSRF-protected.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from django import forms as djforms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth.decorators import login_required
from django.db.models import F
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from walletdesk.core import clock
from walletdesk.core.errors import DomainError

from . import services
from .errors import InvalidCode, SecondFactorStillNeeded, StepUpRequired
from .forms import (
    CodeForm,
    LoginForm,
    LoginOnlyForm,
    NewPasswordForm,
    PhraseForm,
    RegisterForm,
    ReminderForm,
    ResetConfirmForm,
    SecondFactorForm,
    StepUpForm,
    UnlockConfirmForm,
)
from .models import STAFF_ROLES, OneTimeCode, User
from .netutil import client_ip
from .services import devices, mfa, passkeys, security
from .sessions import DEVICE_KEY as DEVICE_SESSION

Purpose = OneTimeCode.Purpose
DEVICE_COOKIE_AGE = 400 * 24 * 3600
BACKEND = "walletdesk.accounts.backends.LoginBackend"


def _form_page(request: HttpRequest, form: djforms.Form, *, title: Any, intro: Any = "",
               submit: Any = None, links: list[tuple[str, Any]] | None = None,
               testid: str = "") -> HttpResponse:
    return render(request, "accounts/form.html", {
        "form": form, "title": title, "intro": intro, "submit": submit or _("Continue"),
        "links": links or [], "testid": testid})


def landing_page(user: Any) -> str:
    """Where a signed-in user starts: staff at the agent console, everyone else at the wallet."""
    return reverse("support:console" if getattr(user, "role", "") in STAFF_ROLES else "wallet:home")


def _safe_next(request: HttpRequest, default: str = "") -> str:
    nxt = request.POST.get("next") or request.GET.get("next") or ""
    if nxt and url_has_allowed_host_and_scheme(nxt, {request.get_host()},
                                               require_https=request.is_secure()):
        return nxt
    return reverse(default) if default else landing_page(request.user)


def _start_session(request: HttpRequest, result: services.LoginResult) -> HttpResponse:
    assert result.user is not None
    auth_login(request, result.user, backend=BACKEND)  # a new session id
    request.session["auth_at"] = clock.now().isoformat()
    request.session.pop("pending_login", None)
    if result.device is not None:
        request.session[DEVICE_SESSION] = [result.device.pk, result.device.session_epoch]
    if result.user.must_change_password:
        messages.warning(request, _("We saw signs that your password may be known to someone "
                                    "else. Choose a new one now."))
        response = redirect("accounts:change_password")
    else:
        response = redirect(_safe_next(request))
    response.set_cookie(devices.COOKIE, result.device_key, max_age=DEVICE_COOKIE_AGE,
                        httponly=True, samesite="Lax", secure=not settings.DEBUG)
    return response


# Which field a refusal is about, so its message shows under that field (the first of these
# names the form has); any other refusal shows above the form.
ERROR_FIELDS: dict[str, tuple[str, ...]] = {
    "weak_password": ("new_password", "password"),
    "invalid_login": ("login",),
    "invalid_code": ("code",),
    "mfa_required": ("otp",),
}


def _error(form: djforms.Form, exc: DomainError) -> None:
    field = next((f for f in ERROR_FIELDS.get(exc.code, ()) if f in form.fields), None)
    form.add_error(field, str(exc.message))


# --- login ---------------------------------------------------------------------------------

def login_page(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(_safe_next(request))
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = services.login(request, form.cleaned_data["username"],
                                    form.cleaned_data["password"],
                                    request.COOKIES.get(devices.COOKIE, ""), api=False)
        except DomainError as exc:
            _error(form, exc)
        else:
            if result.mfa_token:
                request.session.cycle_key()
                request.session["pending_login"] = result.mfa_token
                request.session["pending_methods"] = list(result.methods)
                url = reverse("accounts:login_verify")
                nxt = request.POST.get("next", "")
                return redirect(f"{url}?{urlencode({'next': nxt})}" if nxt else url)
            return _start_session(request, result)
    return render(request, "web/login.html", {"form": form, "next": request.GET.get("next", "")})


def admin_login(request: HttpRequest) -> HttpResponse:
    """The back office's own login form would take a password alone: everyone signs in at
    /login/ (with the second factor staff need, ADR 0100) and comes back. Someone signed in
    whom the back office turned away goes to their own start page (no redirect loop)."""
    if request.user.is_authenticated:
        return redirect(landing_page(request.user))
    nxt = request.GET.get("next") or reverse("admin:index")
    if not url_has_allowed_host_and_scheme(nxt, {request.get_host()},
                                           require_https=request.is_secure()):
        nxt = reverse("admin:index")
    return redirect(f"{reverse('web:login')}?{urlencode({'next': nxt})}")


def login_verify(request: HttpRequest) -> HttpResponse:
    token = request.session.get("pending_login")
    if not token:
        return redirect("web:login")
    methods = request.session.get("pending_methods", [])
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = services.complete_login(request, token, form.cleaned_data["code"], api=False)
        except DomainError as exc:
            if exc.code == InvalidCode.code and ("totp" in methods or "webauthn" in methods):
                # An authenticator's code cannot be "asked for again": say what to do instead.
                exc = InvalidCode(_("This code is not correct. Enter the code your authenticator "
                                    "app shows now (it changes every 30 seconds), or one of your "
                                    "recovery codes."))
            _error(form, exc)
        else:
            return _start_session(request, result)
    if "totp" in methods:
        intro = _("Enter the 6-digit code from your authenticator app, or one of your recovery "
                  "codes.")
    elif "webauthn" in methods:
        intro = _("Use your passkey, or enter one of your recovery codes.")
    else:
        intro = _("This device is new to us. We sent a code to your email or phone: enter it here.")
    # Never a dead end: a lost phone has a way out, and an emailed code a way to get another.
    if "totp" in methods or "webauthn" in methods:
        links = [("troubleshoot:lock", gettext_lazy("Lost your phone or your recovery codes?")),
                 ("web:login", gettext_lazy("Log in with another account"))]
    else:
        links = [("web:login", gettext_lazy("No code? Log in again to get a new one")),
                 ("troubleshoot:lock", gettext_lazy("Why can't I sign in?"))]
    return render(request, "accounts/form.html", {
        "form": form, "title": _("Two-step verification"), "intro": intro, "submit": _("Verify"),
        "testid": "login-verify", "passkey_login": "webauthn" in methods, "links": links})


def _json_body(request: HttpRequest) -> dict[str, Any]:
    try:
        data = json.loads(request.body[:20_000] or b"{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


@require_POST
def login_passkey_options(request: HttpRequest) -> HttpResponse:
    token = request.session.get("pending_login")
    try:
        user = services.pending_user(token)
    except DomainError:
        return JsonResponse({"code": "invalid_code"}, status=400)
    return HttpResponse(passkeys.authentication_options(request, user),
                        content_type="application/json")


@require_POST
def login_passkey(request: HttpRequest) -> HttpResponse:
    token = request.session.get("pending_login")
    try:
        result = services.complete_login(request, token, None, api=False,
                                         passkey=_json_body(request).get("credential"))
    except DomainError as exc:
        return JsonResponse(exc.as_dict(), status=exc.status)
    response = _start_session(request, result)
    out = JsonResponse({"redirect": response["Location"]})
    out.cookies = response.cookies
    return out


# --- sign-up ------------------------------------------------------------------------------------

def register(request: HttpRequest) -> HttpResponse:
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.register(request, form.cleaned_data["login"], form.cleaned_data["password"])
        except DomainError as exc:
            _error(form, exc)
        else:
            messages.info(request, _("If the address can receive messages from us, a code is on "
                                     "its way. Check your email or text messages."))
            return redirect(reverse("accounts:register_confirm") + "?"
                            + urlencode({"login": form.cleaned_data["login"]}))
    return _form_page(request, form, title=_("Create an account"), submit=_("Sign up"),
                      intro=_("Use your email address or your mobile number in international "
                              "format. Choose a password of at least 10 characters: a few "
                              "unrelated words are strong and easy to remember."),
                      links=[("web:login", gettext_lazy("I already have an account"))],
                      testid="register")


def _code_form(request: HttpRequest, form_class: type[djforms.Form]) -> djforms.Form:
    return form_class(request.POST or None, initial={"login": request.GET.get("login", "")})


def register_confirm(request: HttpRequest) -> HttpResponse:
    form = _code_form(request, CodeForm)
    if request.method == "POST" and form.is_valid():
        try:
            result = services.confirm_registration(request, form.cleaned_data["login"],
                                                   form.cleaned_data["code"], api=False)
        except DomainError as exc:
            _error(form, exc)
        else:
            return _start_session(request, result)
    return _form_page(request, form, title=_("Confirm your sign-up"),
                      intro=_("Enter the code we sent you."), submit=_("Confirm"),
                      testid="register-confirm")


# --- reset and unlock ---------------------------------------------------------------------------

def _request_code(request: HttpRequest, purpose: str) -> HttpResponse:
    form = LoginOnlyForm(request.POST or None)
    confirm = "accounts:reset_confirm" if purpose == Purpose.RESET else "accounts:unlock_confirm"
    if request.method == "POST" and form.is_valid():
        try:
            services.request_code(request, form.cleaned_data["login"], purpose)
        except DomainError as exc:
            _error(form, exc)
        else:
            messages.info(request, _("If the address can receive messages from us, a code is on "
                                     "its way. Check your email or text messages."))
            return redirect(reverse(confirm) + "?" + urlencode({"login": form.cleaned_data["login"]}))
    if purpose == Purpose.RESET:
        return _form_page(request, form, title=_("Forgot your password?"), submit=_("Send a code"),
                          intro=_("We send a code to the email address or mobile number you "
                                  "enter, if it belongs to an account."),
                          links=[("web:login", gettext_lazy("Back to log in")),
                                 ("accounts:unlock", gettext_lazy("My account is locked"))],
                          testid="reset")
    return _form_page(request, form, title=_("Unlock your account"), submit=_("Send a code"),
                      intro=_("After too many wrong passwords, or a freeze, your account is "
                              "locked. We send a code to your email address or mobile number."),
                      links=[("web:login", gettext_lazy("Back to log in")),
                             ("troubleshoot:lock", gettext_lazy("Why can't I sign in?"))],
                      testid="unlock")


def password_reset(request: HttpRequest) -> HttpResponse:
    return _request_code(request, Purpose.RESET)


def unlock(request: HttpRequest) -> HttpResponse:
    return _request_code(request, Purpose.UNLOCK)


def password_reset_confirm(request: HttpRequest) -> HttpResponse:
    form = _code_form(request, ResetConfirmForm)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.confirm_reset(request, d["login"], d["code"], d["new_password"],
                                   d.get("otp") or None)
        except DomainError as exc:
            _error(form, exc)
        else:
            messages.success(request, _("Your password was changed. Log in with it now."))
            return redirect("web:login")
    return _form_page(request, form, title=_("Choose a new password"), submit=_("Change password"),
                      intro=_("Every session will be signed out. For your safety, money cannot "
                              "leave your account for 24 hours afterwards."), testid="reset-confirm")


def unlock_confirm(request: HttpRequest) -> HttpResponse:
    form = _code_form(request, UnlockConfirmForm)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.confirm_unlock(request, d["login"], d["code"], d.get("otp") or None)
        except DomainError as exc:
            _error(form, exc)
        else:
            messages.success(request, _("Your account is unlocked. You can log in again."))
            return redirect("web:login")
    return _form_page(request, form, title=_("Unlock your account"), submit=_("Unlock"),
                      intro=_("Enter the code we sent you."), testid="unlock-confirm")


# --- the signed-in owner ------------------------------------------------------------------------

def _me(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def step_up_guard(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Send the user to the step-up page when a service asks for a recent authentication."""
    @login_required
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except StepUpRequired:
            messages.info(request, str(StepUpRequired.default_message))
            return redirect(reverse("accounts:step_up") + "?" + urlencode({"next": request.path}))

    wrapped.__name__ = view.__name__
    return wrapped


@login_required
def step_up(request: HttpRequest) -> HttpResponse:
    form = StepUpForm(request.POST or None)
    has_mfa = mfa.has_totp(_me(request))
    if request.method == "POST" and form.is_valid():
        try:
            at = security.step_up(_me(request), password=form.cleaned_data.get("password"),
                                  otp=form.cleaned_data.get("otp"))
        except DomainError as exc:
            _error(form, exc)
        else:
            request.session.cycle_key()  # a new session id after a step-up
            request.session["auth_at"] = at.isoformat()
            return redirect(_safe_next(request, "accounts:checkup"))
    if has_mfa:
        del form.fields["password"]
    else:
        del form.fields["otp"]
    return _form_page(request, form, title=_("Confirm it is you"), submit=_("Confirm"),
                      intro=_("For security settings and large payments we ask again. "
                              "This lasts 5 minutes."), testid="step-up")


@login_required
def checkup(request: HttpRequest) -> HttpResponse:
    user = _me(request)
    return render(request, "accounts/checkup.html", {
        "c": security.checkup(user), "reminder_form": ReminderForm(
            initial={"days": user.password_reminder_days}),
        "phrase": user.anti_phishing_phrase})


@require_POST
@login_required
def reminder(request: HttpRequest) -> HttpResponse:
    form = ReminderForm(request.POST)
    if form.is_valid():
        security.set_reminder(_me(request), form.cleaned_data["days"])
        messages.success(request, _("Saved."))
    return redirect("accounts:checkup")


@step_up_guard
def change_password(request: HttpRequest) -> HttpResponse:
    form = NewPasswordForm(request.POST or None)
    if request.method == "GET":
        security.require_recent_auth(_me(request))
    if request.method == "POST" and form.is_valid():
        try:
            security.change_password(_me(request), new_password=form.cleaned_data["new_password"])
        except StepUpRequired:
            raise
        except DomainError as exc:
            _error(form, exc)
        else:
            messages.success(request, _("Your password was changed. Log in with it now."))
            return redirect("web:login")
    return _form_page(request, form, title=_("Change your password"), submit=_("Change password"),
                      intro=_("Every other session will be signed out. Choose at least 10 "
                              "characters: a few unrelated words are strong and easy to "
                              "remember."), testid="change-password")


@step_up_guard
def phrase(request: HttpRequest) -> HttpResponse:
    user = _me(request)
    form = PhraseForm(request.POST or None, initial={"phrase": user.anti_phishing_phrase})
    if request.method == "GET":
        security.require_recent_auth(user)
    if request.method == "POST" and form.is_valid():
        try:
            security.set_phrase(user, form.cleaned_data["phrase"])
        except StepUpRequired:
            raise
        except DomainError as exc:
            _error(form, exc)
        else:
            messages.success(request, _("Saved. Every message from us will show this phrase."))
            return redirect("accounts:checkup")
    return _form_page(request, form, title=_("Anti-phishing phrase"), submit=_("Save"),
                      intro=_("Choose words only you know. Every email, text message and notice "
                              "from walletdesk shows them: a message without them is not from "
                              "us."), testid="phrase")


NEW_RECOVERY = "two_factor_new_recovery_codes"


def _qr_svg(uri: str) -> str:
    """The otpauth link as an inline SVG QR code (no style attribute: the CSP allows none)."""
    import segno

    return segno.make(uri, error="m").svg_inline(scale=1, border=2, omitsize=True,
                                                 title=str(_("QR code for your authenticator app")))


def _grouped(secret: str) -> list[str]:
    return [secret[i:i + 4] for i in range(0, len(secret), 4)]


@step_up_guard
def two_factor(request: HttpRequest) -> HttpResponse:
    """Set up in steps: start, scan (QR or the key in groups of four), enter a code, then
    save the recovery codes and say so; the codes stay in the server-side session only
    until the person confirms they saved them."""
    user = _me(request)
    security.require_recent_auth(user)
    enabled = mfa.has_mfa(user)
    form = SecondFactorForm(request.POST or None)
    action = request.POST.get("action") if request.method == "POST" else None
    recovery: list[str] = list(request.session.get(NEW_RECOVERY) or []) if enabled else []
    saved_error = False
    if action == "saved" and recovery:
        if request.POST.get("saved") == "yes":
            request.session.pop(NEW_RECOVERY, None)
            messages.success(request, _("Two-step verification is on."))
            return redirect("accounts:two_factor")
        saved_error = True
    if action == "disable" and enabled:
        try:
            security.disable_totp(user)
        except SecondFactorStillNeeded as exc:
            messages.error(request, str(exc.message))
            return redirect("accounts:two_factor")
        request.session.pop(NEW_RECOVERY, None)
        messages.success(request, _("Two-step verification is off."))
        return redirect("accounts:checkup")
    if action == "begin" and not enabled:
        security.begin_totp(user)
        return redirect("accounts:two_factor")
    if request.method == "POST" and action is None and not enabled and form.is_valid():
        try:
            recovery = security.confirm_totp(user, form.cleaned_data["code"])
        except DomainError as exc:
            _error(form, exc)
        else:
            request.session[NEW_RECOVERY] = recovery
            enabled = True
    secret = None if enabled else mfa.pending_secret(user)
    uri = qr = None
    if secret:
        import pyotp

        uri = pyotp.TOTP(secret).provisioning_uri(name=user.login, issuer_name=mfa.ISSUER)
        qr = mark_safe(_qr_svg(uri))  # noqa: S308 (segno's own SVG of our own link)
    codes_text = "\r\n".join([str(_("walletdesk recovery codes for %(login)s") % {
        "login": user.login}), "", *recovery, ""])
    return render(request, "accounts/two_factor.html", {
        "enabled": enabled, "secret": secret, "secret_groups": _grouped(secret or ""),
        "uri": uri, "qr": qr, "form": form, "recovery": recovery, "saved_error": saved_error,
        "codes_href": "data:text/plain;charset=utf-8," + quote(codes_text),
        "left": mfa.remaining_recovery_codes(user)})


def _session_device(request: HttpRequest) -> int | None:
    found = request.session.get(DEVICE_SESSION)
    return found[0] if isinstance(found, list) and found else None


@step_up_guard
def devices_page(request: HttpRequest) -> HttpResponse:
    from .models import Device

    user = _me(request)
    current = _session_device(request)
    if request.method == "POST" and request.POST.get("device"):
        raw = request.POST["device"]
        try:
            device = services.sign_out_device(user, int(raw) if raw.isdigit() else raw,
                                              ip=client_ip(request), current=current)
        except StepUpRequired:
            raise
        except DomainError as exc:
            messages.error(request, str(exc.message))
            return redirect("accounts:devices")
        if device.pk == current:
            return redirect("web:login")
        # A stored label is either a browser's own name or one of the English fallbacks.
        shown = _(device.label) if device.label else "—"
        messages.success(request, _("%(device)s was signed out.") % {"device": shown})
        return redirect("accounts:devices")
    if request.method == "POST":
        services.sign_out_everywhere(user, client_ip(request))
        return redirect("web:login")
    return render(request, "accounts/devices.html", {
        "devices": Device.objects.filter(user=user).order_by(
            F("signed_out_at").asc(nulls_first=True), "-last_seen_at"),
        "current_id": current,
        "current": devices.key_hash(request.COOKIES.get(devices.COOKIE, "") or "-")})


def freeze(request: HttpRequest, token: str) -> HttpResponse:
    """The one-tap freeze from a "was this you?" message (GET asks, POST freezes)."""
    user = services.user_for_freeze_token(token)
    if user is None:
        return render(request, "accounts/freeze.html", {"invalid": True}, status=400)
    if request.method == "POST":
        services.freeze(user, reason="owner: this was not me", ip=client_ip(request))
        return render(request, "accounts/freeze.html", {"done": True})
    return render(request, "accounts/freeze.html", {"token": token})


@step_up_guard
def passkeys_page(request: HttpRequest) -> HttpResponse:
    from .models import Passkey

    user = _me(request)
    security.require_recent_auth(user)
    if request.method == "POST" and request.POST.get("remove"):
        try:
            security.remove_passkey(user, int(request.POST["remove"]))
        except SecondFactorStillNeeded as exc:
            messages.error(request, str(exc.message))
        return redirect("accounts:passkeys")
    return render(request, "accounts/passkeys.html",
                  {"passkeys": Passkey.objects.filter(user=user).order_by("created_at")})


@require_POST
@login_required
def passkey_options(request: HttpRequest) -> HttpResponse:
    user = _me(request)
    try:
        security.require_recent_auth(user)
    except StepUpRequired as exc:
        return JsonResponse(exc.as_dict(), status=exc.status)
    return HttpResponse(passkeys.registration_options(request, user),
                        content_type="application/json")


@require_POST
@login_required
def passkey_add(request: HttpRequest) -> HttpResponse:
    body = _json_body(request)
    try:
        _key, recovery = security.add_passkey(request, _me(request), body.get("credential"),
                                        str(body.get("name") or "")[:60])
    except DomainError as exc:
        return JsonResponse(exc.as_dict(), status=exc.status)
    return JsonResponse({"ok": True, "recovery_codes": recovery})
