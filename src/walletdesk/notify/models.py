from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from walletdesk.core import clock


class Delivery(models.Model):
    """What was sent to whom and whether it arrived; never the body (it may hold a code)."""

    class Status(models.TextChoices):
        SENT = "sent"
        FAILED = "failed"

    user = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="deliveries", verbose_name=_("user"))
    kind = models.CharField(max_length=40, verbose_name=_("kind"))
    channel = models.CharField(max_length=5, verbose_name=_("channel"))
    to = models.CharField(max_length=254, verbose_name=_("recipient"))
    status = models.CharField(max_length=6, choices=Status.choices, verbose_name=_("status"))
    error = models.CharField(max_length=300, blank=True, default="", verbose_name=_("error"))
    created_at = models.DateTimeField(default=clock.now, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("notification delivery")
        verbose_name_plural = _("notification deliveries")

    def __str__(self) -> str:
        return f"{self.kind} by {self.channel} to {self.to}: {self.status}"


class OutboxMessage(models.Model):
    """A copy of a message, kept only in development (WALLETDESK_DEV_OUTBOX=1) and by the
    development SMS provider. Stored in the database so every process sees it."""

    channel = models.CharField(max_length=5)
    to = models.CharField(max_length=254, db_index=True)
    subject = models.CharField(max_length=200, blank=True, default="")
    body = models.TextField()
    created_at = models.DateTimeField(default=clock.now)

    def __str__(self) -> str:
        return f"{self.channel} to {self.to}"
