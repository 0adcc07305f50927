"""When a merchant must answer: N business days in its region's business hours.

A business day is a local date on which the region's desk timetable has an opening period
(``servicelevels.calendars``: the region's chat hours, else its first phone line, else
around the clock, with holidays). The request's own day never counts; the deadline is the
closing time of the Nth business day after it (the end of that local day for a region open
around the clock). Pure arithmetic over ``directory.hours``.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from walletdesk.directory import hours
from walletdesk.servicelevels.calendars import timetable_for

from .models import DEFAULT_ANSWER_DAYS, MerchantTerms

LOOKAHEAD_DAYS = 120


def terms_of(merchant_id: int) -> tuple[str, int]:
    row = MerchantTerms.objects.filter(merchant_id=merchant_id).first()
    return (row.region, row.answer_business_days) if row else ("CN", DEFAULT_ANSWER_DAYS)


def after(table: hours.Timetable, start: datetime, days: int) -> datetime:
    tz = ZoneInfo(table.time_zone)
    day = start.astimezone(tz).date()
    if table.always_open:
        end = day + timedelta(days=days + 1)
        return datetime.combine(end, time(0), tzinfo=tz)
    counted = 0
    for _ in range(LOOKAHEAD_DAYS):
        day += timedelta(days=1)
        if not hours.periods_on(table, day):
            continue
        counted += 1
        if counted == days:
            spans = hours.intervals(table, day, day)
            if spans:
                return spans[-1][1]
    # A timetable with (almost) no opening: calendar days, so a request never waits forever.
    return datetime.combine(start.astimezone(tz).date() + timedelta(days=days + 1), time(0),
                            tzinfo=tz)


def respond_by(merchant_id: int, start: datetime) -> datetime:
    region, days = terms_of(merchant_id)
    return after(timetable_for(region), start, days)
