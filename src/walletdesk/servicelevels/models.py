"""Service levels: a policy per priority, a timer per conversation, stored warnings and breaches.

For readers (reports): ``Timer`` holds, per conversation, the start, the targets copied
from the policy when the conversation opened, the first response, the moment the
timers stopped (resolved/closed), and the computed deadlines; ``Event`` rows are the
warnings and breaches, each with the exact moment it happened (``at``) and when the
job noticed it (``raised_at``). All targets count business time of the conversation's
region (see ``calendars.py``); the resolution timer pauses while waiting on the customer.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from walletdesk.core import clock


class Priority(models.IntegerChoices):
    URGENT = 30, _("Urgent")
    HIGH = 20, _("High")
    NORMAL = 10, _("Normal")


class Policy(models.Model):
    priority = models.PositiveSmallIntegerField(_("priority"), choices=Priority.choices, unique=True)
    first_response_minutes = models.PositiveIntegerField(
        _("first response within (business minutes)"), validators=[MinValueValidator(1)])
    resolution_minutes = models.PositiveIntegerField(
        _("resolution within (business minutes)"), validators=[MinValueValidator(1)])
    warn_percent = models.PositiveSmallIntegerField(
        # xgettext:no-python-format  (a label: the % is a percent sign, not a placeholder)
        _("warn at (% of the target)"), default=80, validators=[MinValueValidator(1), MaxValueValidator(99)])
    updated_at = models.DateTimeField(default=clock.now, verbose_name=_("updated at"))

    class Meta:
        ordering = ["-priority"]
        verbose_name = _("service-level policy")
        verbose_name_plural = _("service-level policies")

    def __str__(self) -> str:
        return f"{self.get_priority_display()}: {self.first_response_minutes} / {self.resolution_minutes} min"


class Target(models.TextChoices):
    FIRST_RESPONSE = "first_response", _("First response")
    RESOLUTION = "resolution", _("Resolution")


class Timer(models.Model):
    class State(models.TextChoices):
        OK = "ok", _("On track")
        WARNING = "warning", _("Close to breach")
        BREACHED = "breached", _("Breached")
        MET = "met", _("Met")

    conversation = models.OneToOneField("support.Conversation", on_delete=models.CASCADE,
                                        related_name="sla", verbose_name=_("conversation"))
    priority = models.PositiveSmallIntegerField(verbose_name=_("priority"))
    region = models.CharField(max_length=16, verbose_name=_("region"))
    started_at = models.DateTimeField(verbose_name=_("started at"))
    first_response_minutes = models.PositiveIntegerField(
                                                         verbose_name=_("first response within (minutes)"))
    resolution_minutes = models.PositiveIntegerField(verbose_name=_("resolution within (minutes)"))
    warn_percent = models.PositiveSmallIntegerField(verbose_name=_("warn at (percent of the target)"))
    first_response_at = models.DateTimeField(null=True, blank=True, verbose_name=_("first response at"))
    first_response_warn_at = models.DateTimeField(null=True, blank=True,
                                                  verbose_name=_("first response warning at"))
    first_response_due = models.DateTimeField(null=True, blank=True, verbose_name=_("first response due"))
    resolution_warn_at = models.DateTimeField(null=True, blank=True,
                                              verbose_name=_("resolution warning at"))
    resolution_due = models.DateTimeField(null=True, blank=True,
                                          verbose_name=_("resolution due"))  # None while paused
    paused = models.BooleanField(default=False, verbose_name=_("paused"))
    # business seconds waited on the customer
    paused_seconds = models.FloatField(default=0, verbose_name=_("paused (seconds)"))
    stopped_at = models.DateTimeField(null=True, blank=True, verbose_name=_("stopped at"))
    state = models.CharField(max_length=10, choices=State.choices, default=State.OK,
                             verbose_name=_("state"))
    computed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("computed at"))

    class Meta:
        indexes = [models.Index(fields=["stopped_at", "state"])]
        verbose_name = _("service-level timer")
        verbose_name_plural = _("service-level timers")

    def __str__(self) -> str:
        return f"{self.conversation_id}: {self.state}"


class Event(models.Model):
    class Kind(models.TextChoices):
        WARNING = "warning", _("Warning")
        BREACH = "breach", _("Breach")

    timer = models.ForeignKey(Timer, on_delete=models.CASCADE, related_name="events",
                              verbose_name=_("timer"))
    conversation = models.ForeignKey("support.Conversation", on_delete=models.CASCADE,
                                     related_name="sla_events", verbose_name=_("conversation"))
    target = models.CharField(max_length=20, choices=Target.choices, verbose_name=_("target"))
    kind = models.CharField(max_length=10, choices=Kind.choices, verbose_name=_("kind"))
    at = models.DateTimeField(_("at"))
    raised_at = models.DateTimeField(default=clock.now, verbose_name=_("raised at"))

    class Meta:
        ordering = ["-at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["timer", "target", "kind"], name="sla_event_once")]
        verbose_name = _("service-level event")
        verbose_name_plural = _("service-level events")

    def __str__(self) -> str:
        return f"{self.conversation_id} {self.target} {self.kind} {self.at:%Y-%m-%d %H:%M}"
