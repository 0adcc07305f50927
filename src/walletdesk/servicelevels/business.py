"""Business-time arithmetic: how much open time lies between two instants, and when a
number of open seconds will have passed. Pure functions over ``directory.hours``
timetables (UTC intervals built day by day in the hours' time zone, so holidays,
overnight periods and daylight-saving changes come out right).

``pauses`` are instants when the clock does not run even though the desk is open
(waiting on the customer); an open pause is ``(start, None)``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from walletdesk.directory import hours

Span = tuple[datetime, datetime]
Pause = tuple[datetime, datetime | None]
FOREVER = datetime.max.replace(tzinfo=UTC)
CHUNK = timedelta(days=31)
HORIZON = timedelta(days=400)


def open_spans(table: hours.Timetable, start: datetime, end: datetime) -> list[Span]:
    """Open intervals of ``table`` clipped to [start, end)."""
    if end <= start:
        return []
    if table.always_open:
        return [(start, end)]
    tz = ZoneInfo(table.time_zone)
    first = start.astimezone(tz).date() - timedelta(days=1)
    last = end.astimezone(tz).date()
    out = []
    for s, e in hours.intervals(table, first, last):
        s, e = max(s, start), min(e, end)
        if e > s:
            out.append((s, e))
    return out


def subtract(spans: Sequence[Span], pauses: Sequence[Pause]) -> list[Span]:
    """The spans without the paused instants."""
    out = list(spans)
    for ps, pe in pauses:
        pe = pe or FOREVER
        cut: list[Span] = []
        for s, e in out:
            if pe <= s or ps >= e:
                cut.append((s, e))
                continue
            if s < ps:
                cut.append((s, ps))
            if pe < e:
                cut.append((pe, e))
        out = cut
    return out


def seconds_in(spans: Sequence[Span]) -> float:
    return sum((e - s).total_seconds() for s, e in spans)


def elapsed(table: hours.Timetable, start: datetime, end: datetime,
            pauses: Sequence[Pause] = ()) -> float:
    """Counted seconds between start and end."""
    return seconds_in(subtract(open_spans(table, start, end), pauses))


def _reach(spans: Sequence[Span], seconds: float) -> datetime | None:
    left = seconds
    for s, e in spans:
        length = (e - s).total_seconds()
        if left <= length:
            return s + timedelta(seconds=left)
        left -= length
    return None


def deadline(table: hours.Timetable, start: datetime, seconds: float,
             pauses: Sequence[Pause] = ()) -> datetime | None:
    """The instant when ``seconds`` of counted time have passed since ``start``; None when it
    never comes (an open pause, or no opening within ``HORIZON``)."""
    counted = 0.0
    window = start
    while window < start + HORIZON:
        spans = subtract(open_spans(table, window, window + CHUNK), pauses)
        found = _reach(spans, seconds - counted)
        if found is not None:
            return found
        counted += seconds_in(spans)
        window += CHUNK
    return None
