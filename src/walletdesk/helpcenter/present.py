"""How the help pages say when an article last changed: in words, never an ISO date."""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext as _

from walletdesk.core import clock
from walletdesk.core.timewords import date_words, local


def updated_words(moment: datetime, now: datetime | None = None) -> str:
    """"Updated today", "Updated yesterday", "Updated Dec 5" / "更新于 12月5日", the year only
    when it is not this one. The day is enough: the hour an article changed helps nobody."""
    at = local(moment)
    today = (now or clock.now()).astimezone(at.tzinfo).date()
    days = (today - at.date()).days
    if days <= 0:
        return _("Updated today")
    if days == 1:
        return _("Updated yesterday")
    return _("Updated %(day)s") % {"day": date_words(at, at.tzinfo, now)}
