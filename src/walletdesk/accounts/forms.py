from __future__ import annotations

from typing import Any, TypedDict

from django import forms
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise


class _TextOptions(TypedDict, total=False):
    """The CharField options shared by several forms."""

    label: StrOrPromise
    max_length: int
    min_length: int
    widget: forms.Widget


LOGIN: _TextOptions = {"label": _("Email or mobile number"), "max_length": 254,
                       "widget": forms.TextInput(attrs={"autocomplete": "username"})}
CODE: _TextOptions = {"label": _("Code"), "max_length": 8, "min_length": 6,
                      "widget": forms.TextInput(attrs={"autocomplete": "one-time-code",
                                                       "inputmode": "numeric"})}
OTP_HELP = _("Only if two-step verification is on: a code from your authenticator app or a "
             "recovery code.")


def _password(label: Any, autocomplete: str = "new-password") -> forms.CharField:
    return forms.CharField(label=label, max_length=128, strip=False,
                           widget=forms.PasswordInput(attrs={"autocomplete": autocomplete}))


class LoginForm(forms.Form):
    username = forms.CharField(**LOGIN)
    password = _password(_("Password"), "current-password")


class RegisterForm(forms.Form):
    login = forms.CharField(**LOGIN)
    password = _password(_("Password"))


class LoginOnlyForm(forms.Form):
    login = forms.CharField(**LOGIN)


class CodeForm(forms.Form):
    login = forms.CharField(**LOGIN)
    code = forms.CharField(**CODE)


class ResetConfirmForm(CodeForm):
    new_password = _password(_("New password"))
    otp = forms.CharField(label=_("Two-step code"), max_length=20, required=False, help_text=OTP_HELP)


class UnlockConfirmForm(CodeForm):
    otp = forms.CharField(label=_("Two-step code"), max_length=20, required=False, help_text=OTP_HELP)


class SecondFactorForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=20,
                           widget=forms.TextInput(attrs={"autocomplete": "one-time-code"}))


class StepUpForm(forms.Form):
    password = _password(_("Password"), "current-password")
    password.required = False
    otp = forms.CharField(label=_("Two-step code"), max_length=20, required=False)


class NewPasswordForm(forms.Form):
    new_password = _password(_("New password"))


class PhraseForm(forms.Form):
    phrase = forms.CharField(label=_("Anti-phishing phrase"), max_length=40, required=False)


class ReminderForm(forms.Form):
    days = forms.TypedChoiceField(label=_("Remind me to change my password"), coerce=int,
                                  empty_value=None, required=False, choices=[
                                      ("", _("never")), (90, _("every 90 days")),
                                      (180, _("every 180 days")), (365, _("every year"))])
