from __future__ import annotations

from typing import Any

from django import template

from walletdesk.notify.services import inbox

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications(context: Any) -> int:
    """The bell's count: the one read with the session when it still holds
    (``inbox.known_unread``, issue #16), else read here."""
    user = getattr(context.get("request"), "user", None)
    if user is None or not user.is_authenticated:
        return 0
    known = inbox.known_unread(user)
    return inbox.unread_count(user) if known is None else known
