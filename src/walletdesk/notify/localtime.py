"""Times in messages: in the recipient's time zone with its offset. (On pages, times are said in
words by ``core.timewords``.)

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
from django.utils.safestring import mark_safe

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
