from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from walletdesk.core.errors import DomainError, ValidationFailed


class EmptyText(ValidationFailed):
    code = "triage_empty_text"
    default_message = _("Please write a few words about your problem.")


class TextTooLong(ValidationFailed):
    code = "triage_text_too_long"
    default_message = _("The message is too long: please keep it under 4,000 characters.")


class UnknownLanguage(ValidationFailed):
    code = "triage_unknown_language"
    default_message = _("The language must be zh-hans or en.")


class ModelUnavailable(DomainError):
    status = 503
    code = "triage_unavailable"
    default_message = _("Automatic triage is not available right now; an agent will sort your message.")
