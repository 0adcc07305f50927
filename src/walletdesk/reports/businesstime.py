"""Business time: how much of a span fell inside a region's service hours.

A duration "in business hours" counts only the seconds that lie inside the
open intervals of a timetable (``directory.hours``): a customer who writes at
21:50 to a desk that closes at 22:00 and opens at 08:00 and gets an answer at
08:05 waited 15 business minutes, not 10 hours 15. Holidays and special days
count through the timetable; daylight-saving changes come out right because
``directory.hours.intervals`` turns local periods into UTC one day at a time.

Which timetable applies to a conversation: the hours of its region's channel
of the same kind (chat, phone, email); a channel of that kind without hours
(email is usually "always available") takes the desk's hours, that is the
region's chat channel, then any channel of the region with hours; a region
without any hours counts around the clock.

``BusinessClock`` computes the merged intervals of one timetable for a window
once and answers many spans by bisection, so a report over thousands of
conversations costs one interval list per (region, channel) and a log-time
lookup per span.
"""

from __future__ import annotations

from bisect import bisect_right
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from walletdesk.directory import hours as hours_math
from walletdesk.directory import queries as directory_queries
from walletdesk.directory.models import Channel

# Kinds tried, in order, when the conversation's own channel kind has no hours.
DESK_KINDS = ("chat", "phone")


class BusinessClock:
    """Open seconds between two instants for one timetable (``None``: always open)."""

    def __init__(self, table: hours_math.Timetable | None, start: datetime, end: datetime) -> None:
        self.always_open = table is None or table.always_open
        self._starts: list[datetime] = []
        self._ends: list[datetime] = []
        self._cumulative: list[float] = [0.0]  # open seconds before interval i
        if self.always_open or table is None:
            return
        tz = ZoneInfo(table.time_zone)
        first = start.astimezone(tz).date() - timedelta(days=1)
        last = end.astimezone(tz).date() + timedelta(days=1)
        for s, e in hours_math.intervals(table, first, last):
            self._starts.append(s)
            self._ends.append(e)
            self._cumulative.append(self._cumulative[-1] + (e - s).total_seconds())

    def _open_before(self, at: datetime) -> float:
        """Open seconds from the start of the window up to ``at``."""
        i = bisect_right(self._starts, at)  # intervals starting at or before ``at``
        if i == 0:
            return 0.0
        inside = min(at, self._ends[i - 1]) - self._starts[i - 1]
        return self._cumulative[i - 1] + max(0.0, inside.total_seconds())

    def seconds(self, start: datetime, end: datetime) -> float:
        if end <= start:
            return 0.0
        if self.always_open:
            return (end - start).total_seconds()
        start, end = start.astimezone(UTC), end.astimezone(UTC)
        return self._open_before(end) - self._open_before(start)


def business_seconds(table: hours_math.Timetable | None, start: datetime, end: datetime) -> float:
    """Open seconds of ``table`` between ``start`` and ``end`` (one-off use)."""
    return BusinessClock(table, start, end).seconds(start, end)


def timetable_for(region_code: str, channel_kind: str) -> hours_math.Timetable | None:
    """The timetable that counts for a conversation of ``channel_kind`` in ``region_code``
    (with every special day, past ones included: reports look back)."""
    region = directory_queries.default_region(region_code)
    if region is None:
        return None
    found: dict[str, Channel] = {}
    rows = (Channel.objects.filter(region=region, is_active=True, hours__isnull=False)
            .select_related("hours").prefetch_related("hours__periods", "hours__special_days")
            .order_by("sort_order", "pk"))
    for ch in rows:
        found.setdefault(ch.kind, ch)
    for kind in (channel_kind, *DESK_KINDS, *sorted(found)):
        hours = found[kind].hours if kind in found else None
        if hours is not None:
            return directory_queries.timetable(hours)
    return None


class BusinessCalendar:
    """One ``BusinessClock`` per (region, channel kind), built on first use for a window."""

    def __init__(self, start: datetime, end: datetime) -> None:
        self.start, self.end = start, end
        self._clocks: dict[tuple[str, str], BusinessClock] = {}

    def clock(self, region_code: str, channel_kind: str) -> BusinessClock:
        key = (region_code, channel_kind)
        if key not in self._clocks:
            self._clocks[key] = BusinessClock(timetable_for(region_code, channel_kind),
                                              self.start, self.end)
        return self._clocks[key]

    def seconds(self, region_code: str, channel_kind: str, start: datetime, end: datetime) -> float:
        return self.clock(region_code, channel_kind).seconds(start, end)
