"""Support by email: which mail belongs to which conversation, in and out.

``EmailThread`` ties one support conversation to the address it talks to.
``EmailMessage`` is one mail: received (stored as a support message, or ignored
with the reason) or sent (an agent's reply or our acknowledgement). Message-IDs
are what threading and loop detection read.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from walletdesk.core import clock
from walletdesk.support.models import Conversation, Message


class EmailThread(models.Model):
    conversation = models.OneToOneField(Conversation, on_delete=models.CASCADE,
                                        related_name="email_thread", verbose_name=_("conversation"))
    # The one address replies go to: the From of the first mail (never its Reply-To).
    address = models.EmailField(max_length=254, verbose_name=_("address"))
    display_name = models.CharField(max_length=120, blank=True, default="", verbose_name=_("display name"))
    subject = models.CharField(max_length=255, blank=True, default="", verbose_name=_("subject"))
    # True only when our own MTA vouched for the From (DMARC pass) and it is a verified
    # address on file: only then is the conversation attached to the account (ADR 0080).
    sender_verified = models.BooleanField(default=False, verbose_name=_("sender verified"))
    created_at = models.DateTimeField(default=clock.now, verbose_name=_("created at"))

    class Meta:
        indexes = [models.Index(fields=["address"])]
        verbose_name = _("email thread")
        verbose_name_plural = _("email threads")

    def __str__(self) -> str:
        return f"{self.conversation_id} <{self.address}>"


class EmailMessage(models.Model):
    class Direction(models.TextChoices):
        IN = "in", _("Received")
        OUT = "out", _("Sent")

    class Status(models.TextChoices):
        STORED = "stored", _("Stored in the conversation")
        IGNORED = "ignored", _("Ignored")
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed, retrying")

    class Kind(models.TextChoices):
        CUSTOMER = "customer", _("Customer mail")
        REPLY = "reply", _("Agent reply")
        ACK = "ack", _("Acknowledgement")

    thread = models.ForeignKey(EmailThread, on_delete=models.CASCADE, null=True, blank=True,
                               related_name="mails", verbose_name=_("email thread"))
    direction = models.CharField(max_length=3, choices=Direction.choices, verbose_name=_("direction"))
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.CUSTOMER,
                            verbose_name=_("kind"))
    status = models.CharField(max_length=10, choices=Status.choices, verbose_name=_("status"))
    reason = models.CharField(max_length=40, blank=True, default="", verbose_name=_("reason"))
    message_id = models.CharField(max_length=255, verbose_name=_("Message-ID"))
    in_reply_to = models.CharField(max_length=255, blank=True, default="", verbose_name=_("in reply to"))
    references = models.TextField(blank=True, default="", verbose_name=_("references"))
    from_address = models.CharField(max_length=254, blank=True, default="", verbose_name=_("sender"))
    to_address = models.CharField(max_length=254, blank=True, default="", verbose_name=_("recipient"))
    subject = models.CharField(max_length=255, blank=True, default="", verbose_name=_("subject"))
    # Inbound only: the whole text as received (the support message holds the new part,
    # without quoted history and cut to the chat limit).
    body_text = models.TextField(blank=True, default="", verbose_name=_("text"))
    dropped_attachments = models.JSONField(default=list, blank=True, verbose_name=_("dropped attachments"))
    support_message = models.OneToOneField(Message, on_delete=models.SET_NULL, null=True, blank=True,
                                           related_name="email", verbose_name=_("support message"))
    attempts = models.PositiveSmallIntegerField(default=0, verbose_name=_("attempts"))
    last_error = models.CharField(max_length=300, blank=True, default="", verbose_name=_("last error"))
    created_at = models.DateTimeField(default=clock.now, verbose_name=_("created at"))
    sent_at = models.DateTimeField(null=True, blank=True, verbose_name=_("sent at"))

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["direction", "message_id"], name="mailroom_message_id"),
        ]
        indexes = [models.Index(fields=["direction", "from_address", "created_at"])]
        verbose_name = _("email")
        verbose_name_plural = _("emails")

    def __str__(self) -> str:
        return f"{self.direction} {self.message_id}"
