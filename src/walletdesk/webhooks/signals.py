"""Hooking into support's life cycle without touching its code: every stored message
(key actions are event messages) passes through ``post_save`` of ``support.Message``.

The receiver runs inside the transaction that stores the message; it only writes rows
(the events and deliveries roll back with it) and queues jobs for after the commit. A
mistake here must never break a chat: it runs in a savepoint and only logs failures.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from walletdesk.support.models import Message

from . import events, services
from .models import Endpoint

log = logging.getLogger(__name__)


@receiver(post_save, sender=Message, dispatch_uid="webhooks.message_saved")
def message_saved(sender: Any, instance: Message, created: bool, raw: bool = False,
                  **kwargs: Any) -> None:
    if not created or raw or not events.types_for(instance):
        return
    if not Endpoint.objects.filter(is_active=True).exists():
        return  # the common case costs one indexed query and no savepoint
    try:
        with transaction.atomic():
            services.record_message(instance)
    except Exception:
        log.exception("webhook events for message %s were not recorded", instance.pk)


def sla_event_saved(sender: Any, instance: Any, created: bool, raw: bool = False,
                    **kwargs: Any) -> None:
    """A service-level warning or breach (``servicelevels.Event``, when that app is installed)."""
    if not created or raw or not Endpoint.objects.filter(is_active=True).exists():
        return
    try:
        with transaction.atomic():
            services.record_sla_event(instance)
    except Exception:
        log.exception("webhook event for service-level event %s was not recorded", instance.pk)


def connect_optional() -> None:
    from django.apps import apps

    if apps.is_installed("walletdesk.servicelevels"):
        try:
            model = apps.get_model("servicelevels", "Event")
        except LookupError:
            return
        post_save.connect(sla_event_saved, sender=model, dispatch_uid="webhooks.sla_event_saved")
