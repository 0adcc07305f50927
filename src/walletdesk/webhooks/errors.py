"""Typed errors of webhooks (stable codes, translated messages)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from walletdesk.core.errors import NotFound, PermissionDenied, ValidationFailed


class WebhooksForbidden(PermissionDenied):
    code = "webhooks_forbidden"
    default_message = _("Only supervisors and administrators can manage webhooks.")


class InvalidWebhookUrl(ValidationFailed):
    code = "invalid_webhook_url"
    default_message = _("Enter a full http:// or https:// address without a user name or password.")


class WebhookHostNotFound(ValidationFailed):
    code = "webhook_host_not_found"
    default_message = _("This host name could not be found.")


class WebhookAddressNotAllowed(ValidationFailed):
    code = "webhook_address_not_allowed"
    default_message = _("This address points into a private or local network; webhooks are only "
                        "sent to public addresses.")


class UnknownEventType(ValidationFailed):
    code = "unknown_event_type"
    default_message = _("One of the event types is not known.")


class EndpointNotFound(NotFound):
    code = "webhook_not_found"
    default_message = _("This webhook endpoint does not exist.")
