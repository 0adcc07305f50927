"""Times for people: in messages, in the recipient's time zone with its offset; on pages, in
words, in the reader's language and zone (``when_words``, ``day_words``).

Message callers pass a ``datetime`` (any zone) or, as the older callers do, a "YYYY-MM-DD HH:MM"
string that is UTC by contract. Both come out as local time with the offset named, e.g.
"2026-12-02 21:17 (UTC+8)", which reads the same in every language.
"""

from __future__ import annotations

import re
import zoneinfo
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.translation import pgettext

from walletdesk.core import clock

TIME_KEYS = frozenset({"when", "until", "at", "ends_at", "starts_at"})
_UTC_TEXT = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$")


def zone(name: str | None) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name or settings.DEFAULT_USER_TIME_ZONE)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.DEFAULT_USER_TIME_ZONE)


def offset_label(offset: timedelta | None) -> str:
    minutes = int((offset or timedelta()).total_seconds() // 60)
    if minutes == 0:
        return "UTC"
    sign = "+" if minutes > 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def format_local(moment: datetime, time_zone: str | None) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    local = moment.astimezone(zone(time_zone))
    return f"{local:%Y-%m-%d %H:%M} ({offset_label(local.utcoffset())})"


def local_values(context: dict[str, Any], time_zone: str | None) -> dict[str, Any]:
    """The context with its times rewritten in the user's zone (other values unchanged)."""
    out = dict(context)
    for key, value in context.items():
        if isinstance(value, datetime):
            out[key] = mark_safe(format_local(value, time_zone))  # noqa: S308
        elif key in TIME_KEYS and isinstance(value, str) and _UTC_TEXT.match(value):
            moment = datetime.strptime(value, "%Y-%m-%d %H:%M").replace(tzinfo=UTC)
            out[key] = mark_safe(format_local(moment, time_zone))  # noqa: S308
    return out


# --- times on pages, in words (the active language and time zone) ---------------------

def _local(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return timezone.localtime(moment)


def _days_ago(local: datetime) -> int:
    """0 today, 1 yesterday, … in the active zone (the clock tests move included)."""
    today = clock.now().astimezone(local.tzinfo).date()
    return (today - local.date()).days


def when_words(moment: datetime) -> str:
    """A moment as people write it, in the active language and zone: "14:30" today,
    "Yesterday 14:30" / "昨天 14:30", "Dec 5, 14:30" / "12月5日 14:30" this year, with the
    year before ("Dec 5, 2025, 14:30" / "2025年12月5日 14:30"). No ISO date, no offset: the
    page is read in the reader's own zone. (A general helper: the pages of the apps above
    notify may use it; it belongs in core once core has a place for words about time.)"""
    local = _local(moment)
    days = _days_ago(local)
    hhmm = f"{local:%H:%M}"
    if days == 0:
        return hhmm
    if days == 1:
        return pgettext("a moment yesterday; {time} is 14:30", "Yesterday {time}").format(time=hhmm)
    if local.year == clock.now().astimezone(local.tzinfo).year:
        return date_format(local, pgettext("a moment this year: Django date format", "M j, H:i"))
    return date_format(local, pgettext("a moment in another year: Django date format",
                                       "M j, Y, H:i"))


def clock_words(moment: datetime) -> str:
    """The time of day alone ("14:30"), under a heading that names the day."""
    return f"{_local(moment):%H:%M}"


def day_words(moment: datetime) -> str:
    """A day heading: "Today" / "今天", "Yesterday" / "昨天", "Sat, Dec 5" / "12月5日 星期六"
    this year, "Dec 5, 2025" / "2025年12月5日" before."""
    local = _local(moment)
    days = _days_ago(local)
    if days == 0:
        return pgettext("a day heading", "Today")
    if days == 1:
        return pgettext("a day heading", "Yesterday")
    if local.year == clock.now().astimezone(local.tzinfo).year:
        return date_format(local, pgettext("a day heading this year: Django date format", "D, M j"))
    return date_format(local, pgettext("a day heading in another year: Django date format",
                                       "M j, Y"))
