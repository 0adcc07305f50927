"""Typed errors of the contact directory (codes are stable once published)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from walletdesk.core.errors import DomainError, NotFound, ValidationFailed


class InvalidTimeZone(ValidationFailed):
    code = "invalid_time_zone"
    default_message = _("This is not a known time zone (use an IANA name such as Asia/Shanghai).")


class InvalidPeriod(ValidationFailed):
    code = "invalid_period"
    default_message = _("A period must open and close at different times.")


class OverlappingPeriods(ValidationFailed):
    code = "overlapping_periods"
    default_message = _("Two periods of these service hours overlap.")


class InvalidSpecialDay(ValidationFailed):
    code = "invalid_special_day"
    default_message = _("A special day is either closed, or has an opening and a closing time.")


class InvalidChannelValue(ValidationFailed):
    code = "invalid_channel_value"
    default_message = _("This value does not fit the kind of channel.")


class InvalidCalendar(ValidationFailed):
    code = "invalid_calendar"
    default_message = _("This file is not an iCalendar file that can be imported.")


class UnknownRegion(NotFound):
    code = "unknown_region"
    default_message = _("There is no such region.")


class EmptyInput(ValidationFailed):
    code = "empty_input"
    default_message = _("Enter a phone number, email address, website, social account or employee ID.")


class InputTooLong(ValidationFailed):
    code = "input_too_long"
    default_message = _("This is too long to be a phone number, address, website or employee ID.")


class UnrecognizedInput(ValidationFailed):
    code = "unrecognized_input"
    default_message = _(
        "This does not look like a phone number, email address, website, social account or employee ID.")


class RateLimited(DomainError):
    status = 429
    code = "rate_limited"
    default_message = _("Too many requests. Please wait a minute and try again.")


class UnknownWaitChannel(DomainError):
    status = 400
    code = "unknown_wait_channel"
    default_message = _("Waits are forecast for chat, phone and email only.")


class UnknownForecastRegion(DomainError):
    status = 400
    code = "unknown_region"
    default_message = _("There is no such region.")


class UnknownForecastLanguage(DomainError):
    status = 400
    code = "unknown_language"
    default_message = _("Waits are forecast for Simplified Chinese and English only.")


class NoForecastChannel(DomainError):
    status = 400
    code = "no_such_channel"
    default_message = _("This region has no channel of this kind.")
