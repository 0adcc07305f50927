"""A service-level timer starts with every conversation (post_save, created only: nothing
runs on the chat message path; the periodic job reads messages when it recomputes)."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from walletdesk.support.models import Conversation

from . import services


@receiver(post_save, sender=Conversation, dispatch_uid="servicelevels.start_timer")
def start_timer(sender: Any, instance: Conversation, created: bool, raw: bool = False, **kw: Any) -> None:
    if created and not raw:
        services.start_timer(instance)
