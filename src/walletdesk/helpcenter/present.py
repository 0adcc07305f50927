"""How the help pages say when an article last changed: in words, never an ISO date."""

from __future__ import annotations

from datetime import datetime

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from walletdesk.core import clock
from walletdesk.core.timewords import local


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
    if at.year == today.year:
        fmt = pgettext("an article's update day this year: Django date format", "M j")
    else:
        fmt = pgettext("an article's update day in another year: Django date format", "M j, Y")
    return _("Updated %(day)s") % {"day": date_format(at, fmt)}
