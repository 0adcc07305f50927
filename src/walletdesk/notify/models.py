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


class Kind(models.TextChoices):
    """What a notification is about; push opt-in is per kind."""

    AGENT_REPLY = "agent_reply", _("Replies from customer service")
    SECURITY = "security", _("Security alerts")
    PAYMENT = "payment", _("Payment results")
    REFUND = "refund", _("Refund answers")
    FEE_CHANGE = "fee_change", _("Fee changes")


class Notification(models.Model):
    """One entry of the in-app notification centre, rendered in the user's language when it
    was created. ``source`` makes a notification idempotent (one per event)."""

    # No index of its own: the two indexes below and the unique (user, source) lead with it.
    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE,
                             related_name="notifications", db_index=False)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True, default="")
    link = models.CharField(max_length=300, blank=True, default="")
    # A step the notification offers beside "Open" ("Freeze my account"): its label in the
    # user's language and the path of this site it opens. Never shown as text.
    action_label = models.CharField(max_length=60, blank=True, default="")
    action_link = models.CharField(max_length=500, blank=True, default="")
    source = models.CharField(max_length=120)
    created_at = models.DateTimeField(default=clock.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "source"],
                                               name="notify_notification_once_per_source")]
        indexes = [models.Index(fields=["user", "-created_at"], name="notify_notif_user_created"),
                   models.Index(fields=["user", "read_at"], name="notify_notif_user_unread")]

    def __str__(self) -> str:
        return f"{self.kind} for {self.user_id}: {self.title}"


class PushSubscription(models.Model):
    """One browser's Web Push subscription (endpoint + its public key and auth secret)."""

    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE,
                             related_name="push_subscriptions")
    endpoint = models.URLField(max_length=1000, unique=True)
    p256dh = models.CharField(max_length=120)
    auth = models.CharField(max_length=40)
    device = models.CharField(max_length=120, blank=True, default="")
    created_at = models.DateTimeField(default=clock.now)
    last_sent_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"push for {self.user_id} ({self.device})"


class PushOptIn(models.Model):
    """The kinds a user wants pushed to their devices (a row = opted in)."""

    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE,
                             related_name="push_opt_ins")
    kind = models.CharField(max_length=20, choices=Kind.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"],
                                               name="notify_push_opt_in_once")]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.kind}"
