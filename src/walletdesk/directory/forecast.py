"""The wait forecast: expected waits by hour of the week, learnt from the desk's history.

Three kinds of wait are learnt, each from where the desk records it:

* ``chat``: a chat conversation's queue time, from ``queued_at`` (or
  ``created_at``) to ``assigned_at`` (an agent accepted it);
* ``phone``: a booked callback, from the start of its slot to the first call
  placed for it (a call placed early counts as no wait), on the region's line that the
  forecast belongs to (``owners``: its first phone line) and no other;
* ``email``: an email conversation's first response, ``created_at`` to
  ``first_response_at``.

Each sample falls into the hour of the week of its start, in the wall-clock
time of the channel's service hours (so a sample at 09:30 London time is
"Monday 09" in summer and in winter alike). Samples older than ``WINDOW`` are
ignored; a sample's weight is ``DECAY`` to the power of its age in whole weeks,
so last week counts 1, the week before 0.8, and so on. The figure for an hour
is the weighted median of its samples; with fewer than ``MIN_SAMPLES`` it is
None ("not enough data"). Samples that started while the channel was closed
(they waited for the opening, not for an agent) and on holidays or special
days (not a normal week) are left out.

``compute()`` is pure; ``refresh()`` reads the history and rewrites the small
``WaitForecast`` table (idempotent; the periodic job ``directory.wait_forecast``
calls it). Pages and the API only read the table (``week()``, ``now_and_next()``).
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from types import SimpleNamespace
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.models import Min
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from walletdesk.core import clock

from . import hours as hours_math
from . import lookups

KINDS = ("chat", "phone", "email")
HOURS_IN_WEEK = 168
WINDOW = timedelta(weeks=8)
DECAY = 0.8
MIN_SAMPLES = 5
# A later hour is "clearly" quieter when its wait is at most this share of now's
# and at least QUIETER_BY seconds shorter.
QUIETER_SHARE = 0.7
QUIETER_BY = 60


@dataclass(frozen=True)
class Sample:
    start: datetime  # aware
    wait: float  # seconds


@dataclass
class Forecast:
    waits: list[int | None]
    counts: list[int]

    @property
    def samples(self) -> int:
        return sum(self.counts)


def weight(start: datetime, now: datetime) -> float:
    weeks = int((now - start) / timedelta(weeks=1))
    return float(DECAY ** max(0, weeks))


def weighted_median(pairs: Sequence[tuple[float, float]]) -> float:
    """The value at half of the total weight; halfway between two when a half ends exactly."""
    ordered = sorted(pairs)
    total = sum(w for _v, w in ordered)
    half = total / 2
    cum = 0.0
    for i, (value, w) in enumerate(ordered):
        cum += w
        if abs(cum - half) <= 1e-9 * total and i + 1 < len(ordered):
            return (value + ordered[i + 1][0]) / 2
        if cum >= half:
            return value
    return ordered[-1][0]


def _usable(samples: Iterable[Sample], tz: ZoneInfo, since: datetime, until: datetime,
            table: hours_math.Timetable | None) -> Iterable[tuple[datetime, float, int]]:
    """The samples that started in [since, until) while open, on a normal day, with their
    hour of the week."""
    open_spans: list[tuple[datetime, datetime]] | None = None
    special: set[date] = set()
    if table is not None:
        special = set(table.special)
        if not table.always_open:
            first = since.astimezone(tz).date() - timedelta(days=1)
            open_spans = hours_math.intervals(table, first, until.astimezone(tz).date())
    starts = [s for s, _e in open_spans] if open_spans is not None else []
    # Local date and hour per UTC quarter hour: every zone in use has an offset that is a
    # multiple of 15 minutes, so neither changes inside one (a million samples, few zones).
    local: dict[int, tuple[date, int]] = {}
    for sample in samples:
        at = sample.start
        if not since <= at < until:
            continue
        quarter = int(at.timestamp()) // 900
        found = local.get(quarter)
        if found is None:
            moment = at.astimezone(tz)
            found = local[quarter] = (moment.date(), moment.weekday() * 24 + moment.hour)
        if special and found[0] in special:
            continue
        if open_spans is not None:
            i = bisect.bisect_right(starts, at) - 1
            if i < 0 or not at < open_spans[i][1]:
                continue
        yield at, max(0.0, sample.wait), found[1]


def compute(samples: Iterable[Sample], *, time_zone: str, now: datetime,
            table: hours_math.Timetable | None = None) -> Forecast:
    """The forecast for one channel from its samples (pure).

    ``table`` gives the service hours: samples started while closed, and those
    on its special days (holidays, other hours), are left out.
    """
    tz = ZoneInfo(time_zone)
    buckets: list[list[tuple[float, float]]] = [[] for _ in range(HOURS_IN_WEEK)]
    for at, wait, how in _usable(samples, tz, now - WINDOW, now, table):
        buckets[how].append((wait, weight(at, now)))
    waits: list[int | None] = [
        round(weighted_median(b)) if len(b) >= MIN_SAMPLES else None for b in buckets]
    return Forecast(waits=waits, counts=[len(b) for b in buckets])


def backtest(samples: Sequence[Sample], *, time_zone: str, now: datetime,
             table: hours_math.Timetable | None = None) -> tuple[int | None, int]:
    """How wrong the forecast made a week ago was about the week since (pure).

    Returns the median absolute error in seconds over the past week's samples
    whose hour had a forecast then, and how many samples that is (None with
    fewer than ``MIN_SAMPLES``).
    """
    tz = ZoneInfo(time_zone)
    then = now - timedelta(weeks=1)
    past = compute(samples, time_zone=time_zone, now=then, table=table)
    errors = []
    for _at, wait, how in _usable(samples, tz, then, now, table):
        expected = past.waits[how]
        if expected is not None:
            errors.append((abs(wait - expected), 1.0))
    if len(errors) < MIN_SAMPLES:
        return None, len(errors)
    return round(weighted_median(errors)), len(errors)


# --- reading the history -------------------------------------------------------------

Key = tuple[str, str, str]  # kind, region, language


# PostgreSQL hands over epoch seconds: parsing a million timestamps in Python was most
# of the job's time (docs/wait-forecast.md, benchmark).
_PG_CHAT = """
SELECT region, language, EXTRACT(EPOCH FROM COALESCE(queued_at, created_at))::float8,
       EXTRACT(EPOCH FROM assigned_at - COALESCE(queued_at, created_at))::float8
FROM support_conversation
WHERE channel = 'chat' AND assigned_at IS NOT NULL AND created_at >= %s AND created_at < %s
"""
_PG_EMAIL = """
SELECT region, language, EXTRACT(EPOCH FROM created_at)::float8,
       EXTRACT(EPOCH FROM first_response_at - created_at)::float8
FROM support_conversation
WHERE channel = 'email' AND first_response_at IS NOT NULL AND created_at >= %s AND created_at < %s
"""


def _pg_history(since: datetime, now: datetime) -> Iterable[tuple[Key, Sample]]:
    stamp = datetime.fromtimestamp
    for kind, sql, first in (("chat", _PG_CHAT, since - timedelta(days=1)),
                             ("email", _PG_EMAIL, since)):
        with connection.chunked_cursor() as cur:
            cur.execute(sql, [first, now])
            while rows := cur.fetchmany(5000):
                for region, language, start, wait in rows:
                    yield (kind, region, language), Sample(stamp(start, UTC), wait)


def _orm_history(since: datetime, now: datetime) -> Iterable[tuple[Key, Sample]]:
    from walletdesk.support.models import Conversation

    chats = (Conversation.objects
             .filter(channel="chat", assigned_at__isnull=False, created_at__gte=since - timedelta(days=1),
                     created_at__lt=now)
             .values_list("region", "language", "queued_at", "created_at", "assigned_at"))
    for region, language, queued, created, assigned in chats.iterator(chunk_size=5000):
        start = queued or created
        assert assigned is not None  # filtered above
        yield ("chat", region, language), Sample(start, (assigned - start).total_seconds())
    emails = (Conversation.objects
              .filter(channel="email", first_response_at__isnull=False, created_at__gte=since,
                      created_at__lt=now)
              .values_list("region", "language", "created_at", "first_response_at"))
    for region, language, created, first in emails.iterator(chunk_size=5000):
        assert first is not None  # filtered above
        yield ("email", region, language), Sample(created, (first - created).total_seconds())


def _history(since: datetime, now: datetime,
             phone_lines: Collection[int]) -> Iterable[tuple[Key, Sample]]:
    """Every sample of the window; a phone sample only from the callbacks booked on
    ``phone_lines`` (each region's line that owns the phone forecast, ``owners``)."""
    from walletdesk.phone.models import Callback

    if connection.vendor == "postgresql":
        yield from _pg_history(since, now)
    else:
        yield from _orm_history(since, now)
    calls = (Callback.objects
             .filter(slot_start__gte=since, slot_start__lt=now, line_id__in=list(phone_lines))
             .annotate(first_call=Min("calls__started_at"))
             .filter(first_call__isnull=False)
             .values_list("line__region__code", "conversation__language", "slot_start", "first_call"))
    for region, language, slot, first_call in calls.iterator(chunk_size=5000):
        yield ("phone", region, language), Sample(slot, (first_call - slot).total_seconds())


def timetable_of(sh: Any) -> hours_math.Timetable:
    """Service hours with every special day (the learning window looks into the past)."""
    return lookups.timetable(sh)


def owners(channels: Iterable[Any]) -> set[int]:
    """The channels a forecast belongs to: in each region, the first channel of each kind with
    waits, in the order given (directory order). The others of that kind in the region have no
    figure of their own: they show none rather than borrow this one."""
    seen: set[tuple[str, int]] = set()
    out: set[int] = set()
    for ch in channels:
        key = (ch.kind, ch.region_id)
        if ch.kind in KINDS and key not in seen:
            seen.add(key)
            out.add(ch.pk)
    return out


class Target(NamedTuple):
    channel_id: int
    time_zone: str
    table: hours_math.Timetable | None


def _targets() -> dict[tuple[str, str], Target]:
    """(kind, region) → the channel that owns its forecast, with its zone and service hours."""
    from .models import Channel

    chs = list(Channel.objects.filter(is_active=True, region__is_active=True, kind__in=KINDS)
               .select_related("region", "hours").prefetch_related("hours__periods",
                                                                   "hours__special_days"))
    first = owners(chs)
    out: dict[tuple[str, str], Target] = {}
    for ch in chs:
        if ch.pk not in first:
            continue
        if ch.hours is not None:
            out[(ch.kind, ch.region.code)] = Target(ch.pk, ch.hours.time_zone,
                                                    timetable_of(ch.hours))
        else:
            out[(ch.kind, ch.region.code)] = Target(ch.pk, ch.region.time_zone, None)
    return out


def recompute(now: datetime) -> list[Any]:
    """Every forecast recomputed from the history, as unsaved ``WaitForecast`` rows
    (``services.refresh_forecast`` stores them)."""
    from .models import WaitForecast

    targets = _targets()
    grouped: dict[Key, list[Sample]] = defaultdict(list)
    lines = {t.channel_id for (kind, _r), t in targets.items() if kind == "phone"}
    # One more week than the window: the backtest forecasts from a week ago.
    for (kind, region, language), sample in _history(now - WINDOW - timedelta(weeks=1), now,
                                                     lines):
        if (kind, region) not in targets:
            continue
        grouped[(kind, region, language)].append(sample)
        grouped[(kind, region, "")].append(sample)
    for kind, region in targets:
        grouped.setdefault((kind, region, ""), [])
    rows = []
    for (kind, region, language), samples in sorted(grouped.items()):
        _owner, tz, table = targets[(kind, region)]
        result = compute(samples, time_zone=tz, now=now, table=table)
        error, checked = (backtest(samples, time_zone=tz, now=now, table=table) if not language
                          else (None, 0))
        rows.append(WaitForecast(kind=kind, region=region, language=language, time_zone=tz,
                                 waits=result.waits, counts=result.counts,
                                 samples=result.samples, error_seconds=error,
                                 error_samples=checked, updated_at=now))
    return rows


# --- reading the forecast ------------------------------------------------------------

def owns(ch: Any) -> bool:
    """Whether ``ch`` is the channel its region's forecast of its kind belongs to (``owners``:
    the first active one in directory order); another line of the region has no figure."""
    from .models import Channel

    return ch.pk in owners(Channel.objects.filter(is_active=True, region_id=ch.region_id,
                                                  kind=ch.kind))


def stored(kind: str, region: str, language: str = "") -> Any:
    from .models import WaitForecast

    return WaitForecast.objects.filter(kind=kind, region=region, language=language).first()


def pooled(regions: set[str]) -> dict[tuple[str, str], Any]:
    """The all-languages rows of these regions, by (kind, region): one query."""
    from .models import WaitForecast

    if not regions:
        return {}
    return {(r.kind, r.region): r
            for r in WaitForecast.objects.filter(region__in=regions, language="")}


def _hour_open(table: hours_math.Timetable | None, spans: list[tuple[datetime, datetime]],
               start: datetime) -> bool:
    if table is None or table.always_open:
        return True
    end = start + timedelta(hours=1)
    return any(s < end and start < e for s, e in spans)


def week(row: Any, table: hours_math.Timetable | None, at: datetime) -> list[dict[str, Any]]:
    """168 hours, Monday 00 first: the forecast, and whether the channel is open at that hour
    on its next occurrence (today counts from its first hour, so today's holiday is closed)."""
    tz = ZoneInfo(row.time_zone)
    today = at.astimezone(tz).date()
    spans = (hours_math.intervals(table, today - timedelta(days=1), today + timedelta(days=7))
             if table is not None and not table.always_open else [])
    out = []
    for weekday in range(7):
        day = today + timedelta(days=(weekday - today.weekday()) % 7)
        for hour in range(24):
            start = datetime.combine(day, time(hour), tzinfo=tz).astimezone(UTC)
            is_open = _hour_open(table, spans, start)
            wait = row.waits[weekday * 24 + hour] if len(row.waits) == HOURS_IN_WEEK else None
            out.append({"weekday": weekday, "hour": hour, "open": is_open,
                        "expected_wait_seconds": wait if is_open else None})
    return out


def today(row: Any, table: hours_math.Timetable | None, at: datetime) -> list[dict[str, Any]]:
    """Today's 24 hours (local to the forecast), each with its UTC start."""
    tz = ZoneInfo(row.time_zone)
    day = at.astimezone(tz).date()
    hours = week(row, table, at)[day.weekday() * 24:(day.weekday() + 1) * 24]
    for h in hours:
        h["start"] = datetime.combine(day, time(h["hour"]), tzinfo=tz).astimezone(UTC)
    return hours


def now_and_next(row: Any, table: hours_math.Timetable | None,
                 at: datetime) -> tuple[int | None, datetime | None]:
    """The expected wait this hour, and the next hour today that is clearly quieter."""
    hours = today(row, table, at)
    local_hour = at.astimezone(ZoneInfo(row.time_zone)).hour
    current = hours[local_hour]["expected_wait_seconds"]
    if current is None:
        return None, None
    for h in hours[local_hour + 1:]:
        wait = h["expected_wait_seconds"]
        if wait is not None and wait <= current * QUIETER_SHARE and current - wait >= QUIETER_BY:
            return current, h["start"]
    return current, None


def public(kind: str, region: str, language: str = "", at: datetime | None = None) -> dict[str, Any]:
    """The API's view of one forecast (``GET /api/v1/contact/wait-forecast``)."""
    from django.conf import settings

    from .errors import (
        NoForecastChannel,
        UnknownForecastLanguage,
        UnknownForecastRegion,
        UnknownWaitChannel,
    )
    from .models import Channel

    at = at or clock.now()
    if kind not in KINDS:
        raise UnknownWaitChannel()
    reg = lookups.regions().filter(code=(region or "").upper()[:8]).first()
    if reg is None:
        raise UnknownForecastRegion()
    if language and language not in {code for code, _n in settings.LANGUAGES if code != "zh-hant"}:
        raise UnknownForecastLanguage()
    ch = (Channel.objects.filter(is_active=True, region=reg, kind=kind)
          .select_related("hours").prefetch_related("hours__periods", "hours__special_days").first())
    if ch is None:
        raise NoForecastChannel()
    table = timetable_of(ch.hours) if ch.hours is not None else None
    row = stored(kind, reg.code, language)
    if row is None:  # not computed yet, or no history in this language: say "not enough data"
        row = SimpleNamespace(time_zone=ch.hours.time_zone if ch.hours else reg.time_zone,
                              waits=[None] * HOURS_IN_WEEK, samples=0, updated_at=None)
    return {"channel": kind, "region": reg.code, "language": language or None,
            "time_zone": row.time_zone, "hours": week(row, table, at), "samples": row.samples,
            "updated_at": row.updated_at.isoformat() if row.updated_at else None}


def day_in_zone(row: Any, table: hours_math.Timetable | None, at: datetime,
                zone: str) -> list[dict[str, Any]]:
    """The viewer's today, hour by hour in their zone, with the forecast of each hour."""
    viewer = ZoneInfo(zone)
    ftz = ZoneInfo(row.time_zone)
    day = at.astimezone(viewer).date()
    spans = (hours_math.intervals(table, day - timedelta(days=2), day + timedelta(days=2))
             if table is not None and not table.always_open else [])
    out = []
    for hour in range(24):
        start = datetime.combine(day, time(hour), tzinfo=viewer).astimezone(UTC)
        local = start.astimezone(ftz)
        is_open = _hour_open(table, spans, start)
        wait = row.waits[local.weekday() * 24 + local.hour] if len(row.waits) == HOURS_IN_WEEK else None
        out.append({"hour": hour, "start": start, "open": is_open,
                    "wait": wait if is_open else None,
                    "now": start <= at < start + timedelta(hours=1)})
    return out


def hub_charts(channels: Sequence[Any], at: datetime, zone: str) -> list[dict[str, Any]]:
    """Today's expected waits per channel kind of one region, for the contact hub (read only)."""

    rows = pooled({ch.region.code for ch in channels})
    charts: list[dict[str, Any]] = []
    seen: set[str] = set()
    for ch in channels:
        if ch.kind not in KINDS or ch.kind in seen:
            continue
        row = rows.get((ch.kind, ch.region.code))
        if row is None:
            continue
        seen.add(ch.kind)
        table = lookups.timetable(ch.hours) if ch.hours is not None else None
        hours = day_in_zone(row, table, at, zone)
        if not any(h["wait"] is not None for h in hours):
            continue
        current = next(h for h in hours if h["now"])
        # Open at this very minute (an hour bar is open when any part of it is): a closed
        # channel has no current wait, only the time it opens.
        state = (hours_math.state_at(table, at) if table is not None
                 else hours_math.State(open_now=True, always_open=True))
        charts.append({"kind": ch.kind, "label": lookups.pick(ch, "label"), "hours": hours,
                       "current": current["wait"] if state.open_now else None,
                       "open_now": state.open_now,
                       "opens_at": (state.next_open_at.astimezone(ZoneInfo(zone))
                                    if state.next_open_at is not None else None)})
    for chart in charts:  # each chart on its own scale: chat waits minutes, email hours
        top = max(h["wait"] or 0 for h in chart["hours"]) or 1
        for i, h in enumerate(chart["hours"]):
            h["x"] = i * 10 + 1
            h["height"] = max(2, round(52 * h["wait"] / top)) if h["wait"] is not None else 2
            h["y"] = 60 - h["height"]
    return charts


def wait_words(seconds: int) -> str:
    """A wait in people's words: "under a minute", "about 3 minutes", "about 2 hours", kept on
    one line (no-break spaces: "约 13 / 分钟" split over two lines on a phone). From 20 minutes
    on, to the nearest 5: an estimate that far out is not good to the minute, and "about 54
    minutes" would claim it is."""
    if seconds < 60:
        return _("under a minute")
    minutes = round(seconds / 60)
    if minutes >= 20:
        minutes = 5 * round(minutes / 5)
    if minutes < 90:
        text = ngettext("about %(n)s minute", "about %(n)s minutes", minutes) % {"n": minutes}
    else:
        hours = round(seconds / 3600)
        text = ngettext("about %(n)s hour", "about %(n)s hours", hours) % {"n": hours}
    return text.replace(" ", "\u00a0")


def quietest(kind: str, region: str, instants: Sequence[datetime], *, limit: int = 3,
             within: timedelta = timedelta(days=2)) -> list[tuple[datetime, int]]:
    """Of these free slot starts (sorted), the ``limit`` with the shortest expected wait in
    the next ``within``: one per hour, shortest first, earlier first among equals."""
    row = stored(kind, region)
    if row is None or not instants or len(row.waits) != HOURS_IN_WEEK:
        return []
    tz = ZoneInfo(row.time_zone)
    until = instants[0] + within
    best: dict[tuple[date, int], tuple[datetime, int]] = {}
    for at in instants:
        if at >= until:
            break
        local = at.astimezone(tz)
        wait = row.waits[local.weekday() * 24 + local.hour]
        if wait is not None:
            best.setdefault((local.date(), local.hour), (at, wait))
    return sorted(best.values(), key=lambda p: (p[1], p[0]))[:limit]
