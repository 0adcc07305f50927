"""Webhook endpoints, the events sent to them, and the log of every delivery attempt.

An ``Event`` is written in the transaction that changed the conversation, with
its body serialized once (every attempt sends the same bytes; its ``id`` lets a
receiver drop duplicates). A ``Delivery`` pairs one event with one endpoint and
carries the retry state; an ``Attempt`` is one HTTP POST and what came back.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from walletdesk.core import clock


class Endpoint(models.Model):
    url = models.URLField(_("URL"), max_length=500)
    description = models.CharField(_("description"), max_length=200, blank=True, default="")
    # The shared HMAC key: kept readable because every delivery signs with it.
    secret = models.CharField(_("signing secret"), max_length=80, editable=False)
    event_types = models.JSONField(_("event types"), default=list, blank=True,
                                   help_text=_("Empty: every event type"))
    is_active = models.BooleanField(_("active"), default=True)
    disabled_reason = models.CharField(_("why disabled"), max_length=40, blank=True, default="")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   blank=True, related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(default=clock.now, verbose_name=_("created at"))
    updated_at = models.DateTimeField(default=clock.now, verbose_name=_("updated at"))

    class Meta:
        ordering = ["pk"]
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")

    def __str__(self) -> str:
        return self.url

    @property
    def masked_secret(self) -> str:
        """The signing secret as pages and the API show it after the first time."""
        return f"{self.secret[:6]}…{self.secret[-4:]}" if len(self.secret) > 12 else "…"

    def wants(self, event_type: str) -> bool:
        return not self.event_types or event_type in self.event_types


class Event(models.Model):
    id = models.CharField(primary_key=True, max_length=40)  # evt_<32 hex>
    type = models.CharField(_("event type"), max_length=60)
    conversation = models.ForeignKey("support.Conversation", on_delete=models.SET_NULL, null=True,
                                     blank=True, related_name="+", verbose_name=_("conversation"))
    # The support message it came from: one event per (message, type), however often it is scanned.
    message_id = models.BigIntegerField(null=True, blank=True, verbose_name=_("Message-ID"))
    body = models.TextField(
                            verbose_name=_("body"))  # the exact JSON bytes (UTF-8) that are signed and sent
    created_at = models.DateTimeField(default=clock.now, verbose_name=_("created at"))

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("webhook event")
        verbose_name_plural = _("webhook events")
        constraints = [models.UniqueConstraint(fields=["message_id", "type"],
                                               condition=models.Q(message_id__isnull=False),
                                               name="webhooks_event_once_per_message")]

    def __str__(self) -> str:
        return f"{self.type} {self.id}"


class Cursor(models.Model):
    """How far the scanner has read an append-only table (the highest id turned into events)."""

    name = models.CharField(max_length=40, primary_key=True)
    position = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(default=clock.now)

    def __str__(self) -> str:
        return f"{self.name}: {self.position}"


class Delivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("webhook delivery", "Pending")
        SUCCEEDED = "succeeded", pgettext_lazy("webhook delivery", "Delivered")
        FAILED = "failed", pgettext_lazy("webhook delivery", "Failed")
        CANCELLED = "cancelled", pgettext_lazy("webhook delivery", "Cancelled")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="deliveries",
                              verbose_name=_("event"))
    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="deliveries",
                                 verbose_name=_("endpoint"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next try"), null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(_("last status code"), null=True, blank=True)
    created_at = models.DateTimeField(default=clock.now, verbose_name=_("created at"))
    finished_at = models.DateTimeField(null=True, blank=True, verbose_name=_("finished at"))

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        constraints = [models.UniqueConstraint(fields=["event", "endpoint"],
                                               name="webhooks_delivery_once")]
        indexes = [models.Index(fields=["endpoint", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.event_id} → {self.endpoint_id} ({self.status})"


class Attempt(models.Model):
    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempt_log")
    number = models.PositiveSmallIntegerField(_("attempt"))
    started_at = models.DateTimeField(_("started"))
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)
    status_code = models.PositiveSmallIntegerField(_("status code"), null=True, blank=True)
    response_snippet = models.CharField(_("response"), max_length=500, blank=True, default="")
    error = models.CharField(_("error"), max_length=300, blank=True, default="")
    next_attempt_at = models.DateTimeField(_("next try"), null=True, blank=True)

    class Meta:
        ordering = ["delivery", "number"]
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")
        constraints = [models.UniqueConstraint(fields=["delivery", "number"],
                                               name="webhooks_attempt_once")]

    def __str__(self) -> str:
        return f"{self.delivery_id}#{self.number} {self.status_code or self.error}"
