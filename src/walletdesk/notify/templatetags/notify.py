from __future__ import annotations

from typing import Any

from django import template

from walletdesk.notify.services import inbox

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications(context: Any) -> int:
    """The bell's count: read here, unless the view read it beside its own reads and passed it
    as ``unread_notifications`` (the wallet home, issue #16)."""
    if "unread_notifications" in context:
        return int(context["unread_notifications"])
    user = getattr(context.get("request"), "user", None)
    if user is None or not user.is_authenticated:
        return 0
    return inbox.unread_count(user)
