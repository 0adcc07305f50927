"""The small lookups every directory module shares: the active regions, the reader's language
pick of a bilingual field, a channel's service hours as a timetable.

Below ``queries`` and ``forecast`` (both use them), so neither imports the other's way back.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from walletdesk.core import hant

from . import hours as hours_math
from .models import Region, ServiceHours


def pick(obj: Any, field: str) -> str:
    return hant.localized(obj, field)


def region_labels() -> dict[str, str]:
    """Every region's code with what staff read for it, "中国大陆 (CN)" / "Mainland China (CN)"
    in the active language: one read, for the console's labels and a whole desk report."""
    return {r.code: f"{pick(r, 'name')} ({r.code})"
            for r in Region.objects.only("code", "name_zh", "name_en")}


def regions() -> QuerySet[Region]:
    return Region.objects.filter(is_active=True)


def timetable(sh: ServiceHours) -> hours_math.Timetable:
    weekly: dict[int, list[hours_math.Period]] = {}
    for p in sh.periods.all():
        weekly.setdefault(p.weekday, []).append(hours_math.Period(p.start, p.end))
    special = {d.date: hours_math.Special(d.closed, None if d.closed or d.start is None
                                          or d.end is None else hours_math.Period(d.start, d.end),
                                          d.name_en or d.name_zh)
               for d in sh.special_days.all()}
    return hours_math.Timetable(sh.time_zone, weekly, special, sh.always_open)
