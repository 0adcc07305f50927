"""Typed errors of phone callbacks (stable codes, translated messages)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from walletdesk.core.errors import Conflict, DomainError, NotFound, ValidationFailed


class NoSuchLine(NotFound):
    code = "unknown_phone_line"
    default_message = _("This phone line does not take callback requests.")


class InvalidSlot(ValidationFailed):
    code = "invalid_slot"
    default_message = _("Please choose one of the offered times.")


class SlotFull(Conflict):
    code = "slot_full"
    default_message = _("This time has just been taken. Please choose another one.")


class InvalidNumber(ValidationFailed):
    code = "invalid_phone_number"
    default_message = _("Please give a mobile or landline number we can call, with its country code.")


class CallbackNotFound(NotFound):
    code = "callback_not_found"
    default_message = _("This callback does not exist or is not yours.")


class TooEarly(Conflict):
    code = "callback_too_early"
    default_message = _("This callback is booked for later; you can call from 30 minutes before its time.")


class CallbackClosed(Conflict):
    code = "callback_closed"
    default_message = _("This callback is finished or cancelled.")


class CallInProgress(Conflict):
    code = "call_in_progress"
    default_message = _("A call for this callback is still in progress.")


class InvalidOutcome(ValidationFailed):
    code = "invalid_outcome"
    default_message = _("Choose an outcome: reached, no answer, wrong number or call back later.")


class AlreadyLogged(Conflict):
    code = "call_already_logged"
    default_message = _("This call has already been logged.")


class TelephonyUnavailable(DomainError):
    status = 503
    code = "telephony_unavailable"
    default_message = _("The phone system did not take the call. Please try again in a moment.")
