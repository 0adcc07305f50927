"""Business-time arithmetic without a database: nights, weekends, holidays, overnight
periods, a DST change, and pauses."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from walletdesk.directory.hours import Period, Special, Timetable
from walletdesk.servicelevels import business

SH, LON, HK = ZoneInfo("Asia/Shanghai"), ZoneInfo("Europe/London"), ZoneInfo("Asia/Hong_Kong")
WEEKDAYS = Timetable("Asia/Shanghai", {d: [Period(time(9), time(18))] for d in range(5)},
                     {date(2026, 12, 25): Special(closed=True)})
LONDON = Timetable("Europe/London", {d: [Period(time(8), time(20))] for d in range(5)})
NIGHT = Timetable("Asia/Hong_Kong", {d: [Period(time(22), time(2))] for d in range(7)})


def at(tz: ZoneInfo, year: int, month: int, day: int, hour: int = 0, minute: int = 0,
          second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=tz).astimezone(UTC)


def test_overnight_close() -> None:
    start = at(SH, 2026, 12, 3, 17, 30)  # Thursday
    assert business.deadline(WEEKDAYS, start, 3600) == at(SH, 2026, 12, 4, 9, 30)
    assert business.elapsed(WEEKDAYS, start, at(SH, 2026, 12, 4, 9, 30)) == 3600


def test_weekend() -> None:
    start = at(SH, 2026, 12, 4, 17, 30)  # Friday
    assert business.deadline(WEEKDAYS, start, 3600) == at(SH, 2026, 12, 7, 9, 30)


def test_holiday() -> None:
    start = at(SH, 2026, 12, 24, 17, 50)  # Thursday; Friday 25th is closed
    assert business.deadline(WEEKDAYS, start, 20 * 60) == at(SH, 2026, 12, 28, 9, 10)


def test_started_while_closed_counts_from_the_opening() -> None:
    assert business.deadline(WEEKDAYS, at(SH, 2026, 12, 5, 3), 60) == at(SH, 2026, 12, 7, 9, 1)


def test_dst_change_in_london() -> None:
    # Friday 26 March 2027 19:30 GMT; the clocks go forward on Sunday the 28th.
    start = at(LON, 2027, 3, 26, 19, 30)
    due = business.deadline(LONDON, start, 3600)
    assert due == at(LON, 2027, 3, 29, 8, 30)
    assert due == datetime(2027, 3, 29, 7, 30, tzinfo=UTC)  # BST is UTC+1


def test_overnight_period() -> None:
    start = at(HK, 2026, 12, 3, 1, 30)  # inside the 22:00-02:00 span that began the evening before
    assert business.deadline(NIGHT, start, 3600) == at(HK, 2026, 12, 3, 22, 30)


def test_always_open_is_wall_clock() -> None:
    start = datetime(2026, 12, 5, 3, tzinfo=UTC)
    assert business.deadline(Timetable("UTC", always_open=True), start, 90) == start + timedelta(seconds=90)


def test_pauses_move_the_deadline_by_their_business_length() -> None:
    start = at(SH, 2026, 12, 3, 17)
    # waiting on the customer from 17:30 (Thu) to 10:00 (Fri): 30 + 60 business minutes
    pause = (at(SH, 2026, 12, 3, 17, 30), at(SH, 2026, 12, 4, 10))
    assert business.deadline(WEEKDAYS, start, 3600) == at(SH, 2026, 12, 3, 18)
    assert business.deadline(WEEKDAYS, start, 3600, [pause]) == at(SH, 2026, 12, 4, 10, 30)
    assert business.deadline(WEEKDAYS, start, 3600, [(pause[0], None)]) is None  # open pause
    assert business.deadline(WEEKDAYS, start, 600, [(pause[0], None)]) == at(SH, 2026, 12, 3, 17, 10)


def test_never_open_has_no_deadline() -> None:
    assert business.deadline(Timetable("UTC"), datetime(2026, 1, 1, tzinfo=UTC), 60) is None
