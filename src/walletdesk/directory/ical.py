"""Holidays and special days from an iCalendar file (RFC 5545).

An all-day event closes the service on each of its days; an event with
times gives that day other hours (the event's start and end, read in the
service hours' time zone). Recurrence rules are not expanded: publish each
year's dates (public-holiday calendars do).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import icalendar

from .errors import InvalidCalendar

MAX_BYTES = 512 * 1024
MAX_DAYS = 1000


@dataclass(frozen=True)
class Entry:
    date: date
    name: str
    closed: bool
    start: time | None = None
    end: time | None = None


def _local(value: datetime, tz: ZoneInfo) -> datetime:
    return value.replace(tzinfo=tz) if value.tzinfo is None else value.astimezone(tz)


def _event_entries(event: Any, tz: ZoneInfo) -> list[Entry]:
    name = str(event.get("SUMMARY", "")).strip()[:80]
    start_prop, end_prop = event.get("DTSTART"), event.get("DTEND")
    if start_prop is None:
        raise InvalidCalendar()
    start = start_prop.dt
    end = end_prop.dt if end_prop is not None else None
    if isinstance(start, datetime):
        local_start = _local(start, tz)
        local_end = _local(end, tz) if isinstance(end, datetime) else local_start + timedelta(hours=1)
        if local_end <= local_start or local_end - local_start >= timedelta(hours=24):
            raise InvalidCalendar()
        return [Entry(local_start.date(), name, closed=False, start=local_start.time(),
                      end=local_end.time())]
    first: date = start
    last: date = (end - timedelta(days=1)) if isinstance(end, date) else first
    if last < first or (last - first).days > 366:
        raise InvalidCalendar()
    return [Entry(first + timedelta(days=i), name, closed=True)
            for i in range((last - first).days + 1)]


def parse(data: bytes, time_zone: str) -> list[Entry]:
    if not data or len(data) > MAX_BYTES:
        raise InvalidCalendar()
    try:
        cal = icalendar.Calendar.from_ical(data)
    except (ValueError, IndexError, KeyError, TypeError):
        raise InvalidCalendar() from None
    tz = ZoneInfo(time_zone)
    entries: list[Entry] = []
    try:
        for event in cal.walk("VEVENT"):
            entries.extend(_event_entries(event, tz))
    except (ValueError, TypeError, AttributeError):
        raise InvalidCalendar() from None
    if not entries or len(entries) > MAX_DAYS:
        raise InvalidCalendar()
    return entries
