from __future__ import annotations

from typing import Any

from django import template

from walletdesk.notify.services import inbox

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications(context: dict[str, Any]) -> int:
    user = getattr(context.get("request"), "user", None)
    if user is None or not user.is_authenticated:
        return 0
    return inbox.unread_count(user)
