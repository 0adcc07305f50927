"""Service-hours arithmetic: "open now?", "closes at" and "opens next at".

Pure functions over plain values so that they can be tested without a
database. Local wall-clock periods are turned into UTC instants with
``zoneinfo`` one day at a time, which makes daylight-saving changes come out
right: a 09:00–17:00 period is 8 real hours on a normal day and still opens
at 09:00 local on the day the clocks move. A local time that does not exist
(skipped by a spring-forward change) is read with the offset from before the
change, so it lands one hour later; a time that occurs twice (fall back) means
its first occurrence.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from .errors import InvalidPeriod, InvalidSpecialDay, InvalidTimeZone, OverlappingPeriods

# How far ahead "opens next at" looks (long holidays such as Spring Festival fit).
LOOKAHEAD_DAYS = 60


def check_time_zone(name: object) -> str:
    if not isinstance(name, str) or not name or len(name) > 64 or name not in _zones():
        raise InvalidTimeZone()
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidTimeZone() from None
    return name


_ZONES: set[str] = set()


def _zones() -> set[str]:
    if not _ZONES:
        _ZONES.update(available_timezones())
    return _ZONES


@dataclass(frozen=True)
class Period:
    start: time
    end: time  # end <= start: runs past midnight

    @property
    def overnight(self) -> bool:
        return self.end <= self.start

    def minutes(self) -> tuple[int, int]:
        s = self.start.hour * 60 + self.start.minute
        e = self.end.hour * 60 + self.end.minute
        return s, e + (1440 if e <= s else 0)


@dataclass(frozen=True)
class Special:
    closed: bool
    period: Period | None = None
    name: str = ""


@dataclass
class Timetable:
    time_zone: str
    weekly: Mapping[int, Sequence[Period]] = field(default_factory=dict)
    special: Mapping[date, Special] = field(default_factory=dict)
    always_open: bool = False


def check_period(start: time, end: time) -> Period:
    if start == end:
        raise InvalidPeriod()
    return Period(start, end)


def check_special(closed: bool, start: time | None, end: time | None) -> Special:
    if closed:
        if start is not None or end is not None:
            raise InvalidSpecialDay()
        return Special(closed=True)
    if start is None or end is None:
        raise InvalidSpecialDay()
    return Special(closed=False, period=check_period(start, end))


def check_week(periods: Iterable[tuple[int, Period]]) -> None:
    """Refuse periods that overlap, also across midnight and from Sunday into Monday."""
    week = 7 * 1440
    spans: list[tuple[int, int]] = []
    for weekday, p in periods:
        if weekday not in range(7):
            raise InvalidPeriod()
        s, e = p.minutes()
        base = weekday * 1440
        spans.append((base + s, base + e))
    # A span that runs past Sunday midnight wraps to Monday morning.
    spans += [(s - week, e - week) for s, e in spans if e > week]
    spans.sort()
    for (_s1, e1), (s2, _e2) in pairwise(spans):
        if s2 < e1:
            raise OverlappingPeriods()


def _instant(day: date, at: time, tz: ZoneInfo) -> datetime:
    # fold=0: a skipped local time keeps the offset from before the change
    # (01:30 on a night that jumps 01:00→02:00 is 02:30); a repeated one is
    # its first occurrence.
    return datetime.combine(day, at, tzinfo=tz).astimezone(UTC)


def periods_on(table: Timetable, day: date) -> list[Period]:
    special = table.special.get(day)
    if special is not None:
        return [] if special.closed or special.period is None else [special.period]
    return list(table.weekly.get(day.weekday(), ()))


def intervals(table: Timetable, first: date, last: date) -> list[tuple[datetime, datetime]]:
    """Open intervals (UTC) of the periods that start on the days first..last, merged."""
    tz = ZoneInfo(table.time_zone)
    out: list[tuple[datetime, datetime]] = []
    day = first
    while day <= last:
        for p in periods_on(table, day):
            start = _instant(day, p.start, tz)
            end = _instant(day + timedelta(days=1) if p.overnight else day, p.end, tz)
            if end > start:
                out.append((start, end))
        day += timedelta(days=1)
    out.sort()
    merged: list[tuple[datetime, datetime]] = []
    for s, e in out:
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return merged


@dataclass(frozen=True)
class State:
    open_now: bool
    closes_at: datetime | None = None
    next_open_at: datetime | None = None
    always_open: bool = False


def state_at(table: Timetable, at: datetime) -> State:
    """Is it open at ``at`` (aware), when does it close, when does it open next."""
    if table.always_open:
        return State(open_now=True, always_open=True)
    at = at.astimezone(UTC)
    local = at.astimezone(ZoneInfo(table.time_zone)).date()
    spans = intervals(table, local - timedelta(days=1), local + timedelta(days=LOOKAHEAD_DAYS))
    for start, end in spans:
        if start <= at < end:
            return State(open_now=True, closes_at=end)
        if start > at:
            return State(open_now=False, next_open_at=start)
    return State(open_now=False)
