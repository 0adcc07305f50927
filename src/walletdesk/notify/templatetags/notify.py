from __future__ import annotations

import re
from typing import Any

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

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


# A conversation's reference ("CS-20261206-000005"): read out whole, so never broken at a hyphen.
REFERENCE = re.compile(r"\b[A-Z]{2}-\d{8}-\d{6}\b")


@register.filter(is_safe=True)
def nowrap_refs(text: str) -> SafeString:
    """``text`` escaped, each reference in it kept on one line (a phone broke them at a hyphen)."""
    return mark_safe(REFERENCE.sub(lambda m: f'<span class="nowrap">{m.group(0)}</span>',  # noqa: S308
                                   str(escape(text))))
