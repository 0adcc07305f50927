from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import json_script

from walletdesk.phone import queries, services
from walletdesk.phone.models import Call, Callback

register = template.Library()


@register.simple_tag
def call_labels() -> str:
    """The call statuses in the page's language, for the console's phone panel."""
    return json_script({k: str(v) for k, v in Call.Status.choices}, "phone-call-labels")


@register.simple_tag
def early_start_minutes() -> int:
    """How many minutes before its slot a callback may be started (the server's own rule)."""
    return int(services.EARLY_START.total_seconds() // 60)


@register.inclusion_tag("phone/_callback_panel.html", takes_context=True)
def callback_panel(context: Any, conv: Any) -> dict[str, Any]:
    """On the customer's conversation page: the booked callback and, near its time, the code."""
    request = context.get("request")
    user = getattr(request, "user", None)
    cb = None
    if user is not None and user.is_authenticated and conv.customer_id == user.pk:
        cb = Callback.objects.filter(conversation=conv).select_related("conversation", "line") \
            .order_by("-slot_start").first()
    return {"cb": queries.customer_dict(cb) if cb else None, "slot": cb.slot_start if cb else None}
