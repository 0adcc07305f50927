"""Typed errors of the accounts app (stable codes, translated messages)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from walletdesk.core.errors import DomainError


class InvalidCredentials(DomainError):
    status = 401
    code = "invalid_credentials"
    default_message = _("The login or the password is not correct.")


class InvalidCode(DomainError):
    status = 400
    code = "invalid_code"
    default_message = _("The code is not correct or has expired. Ask for a new one.")


class InvalidLogin(DomainError):
    status = 422
    code = "invalid_login"
    default_message = _("Enter an email address or a mobile number in international format "
                        "(+8613800138000).")


class TooManyRequests(DomainError):
    status = 429
    code = "too_many_requests"
    default_message = _("Too many attempts from this network. Wait a few minutes and try again.")


class StepUpRequired(DomainError):
    status = 403
    code = "step_up_required"
    default_message = _("Confirm it is you first: enter your password or a code from your "
                        "authenticator app.")


class MfaRequired(DomainError):
    status = 403
    code = "mfa_required"
    default_message = _("Two-step verification is required.")


class SecondFactorNotSetUp(DomainError):
    """A staff member's password was right, but they have no second factor: no session."""

    status = 403
    code = "second_factor_not_set_up"
    default_message = _("Staff accounts sign in with two-step verification, which is not set up "
                        "for this account yet. Ask an administrator to set up your authenticator "
                        "app.")


class SecondFactorStillNeeded(DomainError):
    status = 403
    code = "second_factor_still_needed"
    default_message = _("Staff accounts keep two-step verification on: add another method before "
                        "you remove this one.")


class AccountOnHold(DomainError):
    status = 403
    code = "account_on_hold"
    default_message = _("Your account is on hold: money cannot leave it until the hold ends or "
                        "the account is unlocked.")


class TooManyAttempts(DomainError):
    """The signed-in owner tried a secret too often (step-up): wait, then try again."""

    status = 429
    code = "too_many_attempts"
    default_message = _("Too many wrong tries. Wait a few minutes, then try again.")


class CsrfFailed(DomainError):
    status = 403
    code = "csrf_failed"
    default_message = _("This page has expired. Reload it and try again.")
