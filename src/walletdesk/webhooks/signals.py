"""Service-level warnings and breaches (``servicelevels.Event`` rows, written through the
ORM) become webhook events through ``post_save``. Support messages do not come through
here: the chat's PostgreSQL path inserts them with one raw statement (no signal), so
``services.scan`` reads them from the table instead.

The receiver runs inside the transaction that stores the row; it only writes rows (they
roll back with it) and queues jobs for after the commit. A mistake here must never break
the caller: it runs in a savepoint and only logs failures.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.db.models.signals import post_save

from . import services
from .models import Endpoint

log = logging.getLogger(__name__)


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
