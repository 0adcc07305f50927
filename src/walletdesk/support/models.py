"""Support agents. A later issue builds live chat on them; the directory uses
them now to answer "is employee WD1024 one of yours, and on duty?"."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from walletdesk.core import clock

SKILLS = ("payments", "refunds", "account_security", "technical", "general")
AGENT_ROLES = ("agent", "senior_agent", "supervisor")


class Agent(models.Model):
    class Status(models.TextChoices):
        ONLINE = "online", _("Online")
        AWAY = "away", _("Away")
        OFFLINE = "offline", _("Offline")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="agent")
    display_name = models.CharField(_("display name"), max_length=60,
                                    help_text=_("Shown to customers with the employee ID"))
    employee_id = models.CharField(_("employee ID"), max_length=12, unique=True,
                                   help_text=_("For example WD1024"))
    skills = models.JSONField(_("skills"), default=list, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    max_concurrent_chats = models.PositiveSmallIntegerField(_("chats at once"), default=3)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.OFFLINE)
    last_heartbeat_at = models.DateTimeField(_("last heartbeat"), null=True, blank=True)
    region = models.CharField(_("region"), max_length=8, default="CN")
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["employee_id"]
        verbose_name = _("agent")
        verbose_name_plural = _("agents")

    def __str__(self) -> str:
        return f"{self.display_name} ({self.employee_id})"
