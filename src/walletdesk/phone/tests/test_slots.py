"""Callback slots from service hours: lead time, closing time, weekends, holidays, DST."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from walletdesk.directory.hours import Period, Special, Timetable
from walletdesk.phone import slots

SH, LON = ZoneInfo("Asia/Shanghai"), ZoneInfo("Europe/London")
WEEKDAYS = Timetable("Asia/Shanghai", {d: [Period(time(9), time(18))] for d in range(5)},
                     {date(2026, 12, 25): Special(closed=True)})


def local(tz: ZoneInfo, year: int, month: int, day: int, hour: int = 0, minute: int = 0,
          second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=tz).astimezone(UTC)


def starts(table: Timetable, now: datetime, days: int = 7) -> list[datetime]:
    return slots.starts(table, now, minutes=15, lead_minutes=5, days=days)


def test_slots_start_after_the_lead_time_and_end_with_the_hours() -> None:
    found = starts(WEEKDAYS, local(SH, 2026, 12, 3, 17, 12), days=1)  # Thursday
    assert found[:3] == [local(SH, 2026, 12, 3, 17, 30), local(SH, 2026, 12, 3, 17, 45),
                         local(SH, 2026, 12, 4, 9)]
    assert found[-1] == local(SH, 2026, 12, 4, 17, 0)  # a day ahead, no further
    assert all(s.minute % 15 == 0 and s.second == 0 for s in found)


def test_no_slots_on_weekends_and_holidays() -> None:
    days = {s.astimezone(SH).date() for s in starts(WEEKDAYS, local(SH, 2026, 12, 23, 12))}
    assert date(2026, 12, 25) not in days and date(2026, 12, 26) not in days
    assert date(2026, 12, 27) not in days and date(2026, 12, 28) in days
    assert len([d for d in days if d == date(2026, 12, 24)]) == 1


def test_slots_follow_local_time_across_dst() -> None:
    london = Timetable("Europe/London", {d: [Period(time(8), time(20))] for d in range(5)})
    found = starts(london, local(LON, 2027, 3, 26, 19, 40))
    mondays = [s for s in found if s.astimezone(LON).date() == date(2027, 3, 29)]
    assert mondays[0] == datetime(2027, 3, 29, 7, 0, tzinfo=UTC)  # 08:00 BST
    assert len(mondays) == 12 * 4


def test_always_open_line() -> None:
    now = datetime(2026, 12, 5, 3, 1, tzinfo=UTC)
    found = starts(Timetable("UTC", always_open=True), now, days=1)
    assert found[0] == datetime(2026, 12, 5, 3, 15, tzinfo=UTC) and len(found) == 24 * 4 - 1
