from __future__ import annotations

from typing import Any

from django import template

from walletdesk.servicelevels import services
from walletdesk.servicelevels.models import Timer

register = template.Library()


@register.inclusion_tag("servicelevels/_supervisor.html")
def sla_supervisor() -> dict[str, Any]:
    """At-risk conversations and the latest warnings and breaches, for the supervisor view."""
    at_risk = (Timer.objects.filter(stopped_at__isnull=True, state__in=[Timer.State.WARNING,
                                                                      Timer.State.BREACHED])
               .select_related("conversation", "conversation__agent").order_by("first_response_due")[:50])
    return {"at_risk": at_risk, "events": services.recent_events(30)}
