"""Report filters: a date range in the viewer's time zone, channel, region, topic.

``from`` and ``to`` are calendar dates (both included) in the viewer's time
zone: 2026-11-01..2026-11-30 in Asia/Shanghai is 2026-10-31T16:00Z up to (not
including) 2026-11-30T16:00Z. A conversation belongs to the range when it was
created inside it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings

from walletdesk.core import clock
from walletdesk.directory import hours as hours_math
from walletdesk.directory.errors import InvalidTimeZone
from walletdesk.support.models import Conversation
from walletdesk.support.services.conversations import TOPICS

from .errors import InvalidReportFilter, InvalidReportRange

MAX_DAYS = 366
DEFAULT_DAYS = 7


@dataclass(frozen=True)
class Filters:
    date_from: date
    date_to: date
    time_zone: str
    channel: str = ""
    region: str = ""
    topic: str = ""

    @property
    def start(self) -> datetime:
        return _midnight(self.date_from, self.time_zone)

    @property
    def end(self) -> datetime:
        return _midnight(self.date_to + timedelta(days=1), self.time_zone)

    @property
    def days(self) -> list[date]:
        return [self.date_from + timedelta(days=i)
                for i in range((self.date_to - self.date_from).days + 1)]

    def as_query(self) -> dict[str, str]:
        out = {"from": self.date_from.isoformat(), "to": self.date_to.isoformat()}
        for key in ("channel", "region", "topic"):
            if getattr(self, key):
                out[key] = getattr(self, key)
        return out


def _midnight(day: date, tz_name: str) -> datetime:
    return datetime.combine(day, time(0), tzinfo=ZoneInfo(tz_name)).astimezone(UTC)


def _date(raw: Any) -> date | None:
    if raw in (None, ""):
        return None
    if not isinstance(raw, str) or len(raw) > 10:
        raise InvalidReportFilter()
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise InvalidReportFilter() from None


def _choice(raw: Any, allowed: tuple[str, ...] | list[str]) -> str:
    if raw in (None, ""):
        return ""
    if not isinstance(raw, str) or raw not in allowed:
        raise InvalidReportFilter()
    return raw


def _region(raw: Any) -> str:
    if raw in (None, ""):
        return ""
    if not isinstance(raw, str) or not raw.isascii() or not raw.isalpha() or len(raw) > 8:
        raise InvalidReportFilter()
    return raw.upper()


def time_zone_of(user: Any, requested: Any = None) -> str:
    name = requested or getattr(user, "time_zone", "") or settings.DEFAULT_USER_TIME_ZONE
    try:
        return hours_math.check_time_zone(name)
    except InvalidTimeZone:
        if requested:
            raise InvalidReportFilter() from None
        return str(settings.DEFAULT_USER_TIME_ZONE)


def parse(params: Mapping[str, Any], user: Any) -> Filters:
    """Filters from query parameters; missing dates mean the last seven days up to today."""
    tz = time_zone_of(user, params.get("tz"))
    today = clock.now().astimezone(ZoneInfo(tz)).date()
    date_to = _date(params.get("to")) or today
    date_from = _date(params.get("from")) or date_to - timedelta(days=DEFAULT_DAYS - 1)
    if date_from > date_to or (date_to - date_from).days >= MAX_DAYS:
        raise InvalidReportRange()
    return Filters(date_from=date_from, date_to=date_to, time_zone=tz,
                   channel=_choice(params.get("channel"), Conversation.Channel.values),
                   region=_region(params.get("region")),
                   topic=_choice(params.get("topic"), tuple(TOPICS)))
