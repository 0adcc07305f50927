"""Phone callbacks: a booked slot on an official line, and the calls made for it.

A ``Callback`` belongs to one support conversation of channel ``phone``; it holds
one of the slot's seats (``seat``, unique per line and slot: the database refuses
overbooking) and the salt of its session code (``codes.py``; the code itself is
never stored). A ``Call`` is one attempt through the telephony provider, with the
provider's status events and the agent's log entry (outcome, notes, duration).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from walletdesk.core import clock


class Callback(models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        CALLING = "calling", _("Calling")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")
        FAILED = "failed", _("Could not be reached")

    conversation = models.ForeignKey("support.Conversation", on_delete=models.CASCADE,
                                     related_name="callbacks", verbose_name=_("conversation"))
    customer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="callbacks", verbose_name=_("customer"))
    line = models.ForeignKey("directory.Channel", on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("phone line"))
    number = models.CharField(_("number to call"), max_length=20)
    slot_start = models.DateTimeField(_("slot"))
    seat = models.PositiveSmallIntegerField(null=True, blank=True,
                                            verbose_name=_("seat in the slot"))  # None once cancelled
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED,
                              verbose_name=_("status"))
    code_salt = models.CharField(max_length=32, verbose_name=_("code salt"))
    attempts = models.PositiveSmallIntegerField(default=0, verbose_name=_("attempts"))
    created_at = models.DateTimeField(default=clock.now, verbose_name=_("created at"))
    updated_at = models.DateTimeField(default=clock.now, verbose_name=_("updated at"))

    class Meta:
        ordering = ["slot_start", "pk"]
        constraints = [models.UniqueConstraint(fields=["line", "slot_start", "seat"],
                                               name="phone_callback_seat")]
        indexes = [models.Index(fields=["status", "slot_start"])]
        verbose_name = _("callback")
        verbose_name_plural = _("callbacks")

    def __str__(self) -> str:
        return f"{self.conversation_id} @ {self.slot_start:%Y-%m-%d %H:%M}"


class Call(models.Model):
    class Status(models.TextChoices):
        PLACING = "placing", _("Placing")
        RINGING = "ringing", _("Ringing")
        ANSWERED = "answered", _("Answered")
        NO_ANSWER = "no_answer", _("No answer")
        FAILED = "failed", _("Failed")
        COMPLETED = "completed", _("Completed")

    class Outcome(models.TextChoices):
        REACHED = "reached", _("Reached")
        NO_ANSWER = "no_answer", _("No answer")
        WRONG_NUMBER = "wrong_number", _("Wrong number")
        CALL_BACK_LATER = "call_back_later", _("Call back later")

    callback = models.ForeignKey(Callback, on_delete=models.CASCADE, related_name="calls",
                                 verbose_name=_("callback"))
    conversation = models.ForeignKey("support.Conversation", on_delete=models.CASCADE,
                                     related_name="calls", verbose_name=_("conversation"))
    agent = models.ForeignKey("support.Agent", on_delete=models.PROTECT, related_name="calls",
                              verbose_name=_("agent"))
    provider = models.CharField(max_length=100, verbose_name=_("provider"))
    provider_call_id = models.CharField(max_length=80, null=True, blank=True, unique=True,
                                        verbose_name=_("provider call ID"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLACING,
                              verbose_name=_("status"))
    error = models.CharField(max_length=200, blank=True, default="", verbose_name=_("error"))
    started_at = models.DateTimeField(default=clock.now, verbose_name=_("started at"))
    answered_at = models.DateTimeField(null=True, blank=True, verbose_name=_("answered at"))
    ended_at = models.DateTimeField(null=True, blank=True, verbose_name=_("ended at"))
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, blank=True,
                               default="")
    notes = models.TextField(_("notes"), blank=True, default="")
    duration_seconds = models.PositiveIntegerField(_("duration (s)"), null=True, blank=True)
    logged_at = models.DateTimeField(null=True, blank=True, verbose_name=_("logged at"))

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("call")
        verbose_name_plural = _("calls")

    def __str__(self) -> str:
        return f"call {self.pk} ({self.status})"

    @property
    def live(self) -> bool:
        return self.status in (self.Status.PLACING, self.Status.RINGING, self.Status.ANSWERED)


class CallEvent(models.Model):
    """A status event from the telephony provider, kept as it came (the call's history)."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(max_length=10, choices=Call.Status.choices)
    at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.call_id} {self.status}"
