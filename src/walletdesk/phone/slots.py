"""Callback slots: every SLOT_MINUTES inside a line's open intervals, from a little after now
to BOOK_DAYS ahead. Pure arithmetic over ``directory.hours`` (time zones, holidays,
overnight periods and DST come from there); capacity is counted by the caller."""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from walletdesk.directory import hours


def _align(at: datetime, step: timedelta) -> datetime:
    """Up to the next multiple of ``step`` since the epoch (quarter hours in every zone whose
    offset is a multiple of 15 minutes, which is all of them in use)."""
    seconds = step.total_seconds()
    stamp = math.ceil(at.timestamp() / seconds) * seconds
    return datetime.fromtimestamp(stamp, tz=at.tzinfo)


def starts(table: hours.Timetable, now: datetime, *, minutes: int, lead_minutes: int,
           days: int) -> list[datetime]:
    """Slot start instants (UTC) whose whole slot lies inside an open interval."""
    step = timedelta(minutes=minutes)
    earliest = now + timedelta(minutes=lead_minutes)
    until = now + timedelta(days=days)
    if table.always_open:
        spans = [(earliest, until)]
    else:
        today = now.astimezone(ZoneInfo(table.time_zone)).date()
        spans = hours.intervals(table, today - timedelta(days=1), today + timedelta(days=days))
    out: list[datetime] = []
    for start, end in spans:
        at = _align(max(start, earliest), step)
        while at + step <= end and at < until:
            out.append(at)
            at += step
    return out
