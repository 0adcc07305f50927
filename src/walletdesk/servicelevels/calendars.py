"""Which service hours a conversation's timers count in: its region's chat hours (the desk),
else the region's first phone line with hours, else around the clock."""

from __future__ import annotations

from walletdesk.directory import hours
from walletdesk.directory import queries as directory_queries
from walletdesk.directory.models import Channel


def timetable_for(region_code: str) -> hours.Timetable:
    region = directory_queries.default_region(region_code)
    if region is None:
        return hours.Timetable("UTC", always_open=True)
    for kind in (Channel.Kind.CHAT, Channel.Kind.PHONE):
        channel = (Channel.objects.filter(region=region, kind=kind, is_active=True, hours__isnull=False)
                   .select_related("hours").order_by("sort_order", "pk").first())
        if channel is not None and channel.hours is not None:
            return directory_queries.timetable(channel.hours)  # every special day, past ones too
    return hours.Timetable(region.time_zone, always_open=True)


class Calendars:
    """Timetables of one pass, read once per region."""

    def __init__(self) -> None:
        self._tables: dict[str, hours.Timetable] = {}

    def __call__(self, region_code: str) -> hours.Timetable:
        if region_code not in self._tables:
            self._tables[region_code] = timetable_for(region_code)
        return self._tables[region_code]
