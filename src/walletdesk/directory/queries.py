"""Reading the directory: channels with their live state, and the signed document."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Prefetch

from walletdesk.core import clock

from . import forecast, waits
from . import hours as hours_math
from .errors import UnknownRegion

# The shared lookups live in lookups.py (forecast uses them too); callers keep these names.
from .lookups import pick as pick
from .lookups import region_labels as region_labels
from .lookups import regions as regions
from .lookups import timetable as timetable
from .models import Channel, Region, ServiceHours, SpecialDay

# A saved copy older than this is stale: fetch a fresh one (verify_directory says so).
VALID_DAYS = 30


def region_or_404(code: str) -> Region:
    region = regions().filter(code=code.upper()[:8]).first()
    if region is None:
        raise UnknownRegion()
    return region


def default_region(code: str) -> Region | None:
    """A user's region: theirs if listed, else International, else the first one."""
    listed = list(regions())
    by_code = {r.code: r for r in listed}
    return by_code.get((code or "").upper()) or by_code.get("INTL") or (listed[0] if listed else None)


def _hours_prefetch(today: date, all_future: bool = False) -> list[Any]:
    window = SpecialDay.objects.filter(date__gte=today - timedelta(days=2))
    if not all_future:
        window = window.filter(date__lte=today + timedelta(days=hours_math.LOOKAHEAD_DAYS + 2))
    return [Prefetch("hours__periods"), Prefetch("hours__special_days", queryset=window)]


def channels(region: Region | None = None, *, all_future: bool = False) -> list[Channel]:
    """Active channels with their hours; special days near today (or every future one)."""
    qs = Channel.objects.filter(is_active=True, region__is_active=True).select_related("region",
                                                                                       "hours")
    if region is not None:
        qs = qs.filter(region=region)
    return list(qs.prefetch_related(*_hours_prefetch(clock.now().date(), all_future)))


def channel_public(ch: Channel) -> dict[str, Any]:
    """The public description of an official channel (the "match" of a verification)."""
    return {"region": ch.region.code, "kind": ch.kind, "platform": ch.platform or None,
            "value": ch.value, "normalized": ch.normalized, "label": pick(ch, "label")}


def _iso(value: datetime | None, tz: ZoneInfo) -> str | None:
    return value.astimezone(tz).isoformat() if value is not None else None


def channel_state(ch: Channel, at: datetime, tz: ZoneInfo,
                  forecast_row: Any = None) -> dict[str, Any]:
    """``forecast_row``: the wait forecast that is this channel's own, if any."""
    table = timetable(ch.hours) if ch.hours is not None else None
    state = (hours_math.state_at(table, at) if table is not None
             else hours_math.State(open_now=True, always_open=True))
    expected, quieter = (forecast.now_and_next(forecast_row, table, at)
                         if forecast_row is not None and state.open_now
                         else (None, None))
    return {
        **channel_public(ch),
        "region_name": pick(ch.region, "name"),
        "notes": pick(ch, "notes"),
        "open_now": state.open_now,
        "always_open": state.always_open,
        "closes_at": _iso(state.closes_at, tz),
        "next_open_at": _iso(state.next_open_at, tz),
        "hours_time_zone": ch.hours.time_zone if ch.hours else None,
        "hours": hours_summary(ch.hours) if ch.hours else None,
        "estimated_wait_seconds": waits.estimate(ch) if state.open_now else None,
        "expected_wait_seconds": expected,
        "quieter_at": _iso(quieter, tz),
    }


def channel_states(chs: list[Channel], tz_name: str, at: datetime | None = None) -> list[dict[str, Any]]:
    """``chs`` in directory order (``channels()``): a region's forecast of a kind is the first
    such channel's; the others of that kind have no expected wait (``forecast.owners``)."""
    at = at or clock.now()
    tz = ZoneInfo(hours_math.check_time_zone(tz_name))
    forecasts = forecast.pooled({ch.region.code for ch in chs if ch.kind in forecast.KINDS})
    own = forecast.owners(chs)
    return [channel_state(ch, at, tz, forecasts.get((ch.kind, ch.region.code)) if ch.pk in own
                          else None) for ch in chs]


def hours_summary(sh: ServiceHours) -> dict[str, Any]:
    weekly = [{"weekday": p.weekday, "start": p.start.strftime("%H:%M"), "end": p.end.strftime("%H:%M")}
              for p in sh.periods.all()]
    special = [{"date": d.date.isoformat(), "closed": d.closed, "name_zh": d.name_zh,
                "name_en": d.name_en, "start": d.start.strftime("%H:%M") if d.start else None,
                "end": d.end.strftime("%H:%M") if d.end else None}
               for d in sh.special_days.all()]
    return {"name": sh.name, "time_zone": sh.time_zone, "always_open": sh.always_open,
            "weekly": weekly, "special_days": special}


def directory_document(at: datetime | None = None) -> dict[str, Any]:
    """Everything official, in a stable order: what the signature covers."""
    from .signing import FORMAT

    at = at or clock.now()
    out_regions = []
    hours_used: dict[str, ServiceHours] = {}
    by_region: dict[int, list[Channel]] = {}
    for ch in channels(all_future=True):
        by_region.setdefault(ch.region_id, []).append(ch)
        if ch.hours is not None:
            hours_used[ch.hours.name] = ch.hours
    for region in regions():
        out_regions.append({
            "code": region.code, "name_zh": region.name_zh, "name_en": region.name_en,
            "time_zone": region.time_zone, "notes_zh": region.notes_zh, "notes_en": region.notes_en,
            "channels": [{"kind": ch.kind, "platform": ch.platform, "value": ch.value,
                          "normalized": ch.normalized, "label_zh": ch.label_zh,
                          "label_en": ch.label_en, "notes_zh": ch.notes_zh, "notes_en": ch.notes_en,
                          "hours": ch.hours.name if ch.hours else None}
                         for ch in by_region.get(region.pk, [])],
        })
    return {"format": FORMAT, "issued_at": at.isoformat(),
            "valid_until": (at + timedelta(days=VALID_DAYS)).isoformat(), "regions": out_regions,
            "hours": {name: hours_summary(sh) for name, sh in sorted(hours_used.items())}}
