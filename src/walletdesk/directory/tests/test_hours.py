"""Service-hours arithmetic: time zones, DST changes, overnight spans, holidays."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from walletdesk.directory import hours as h
from walletdesk.directory.errors import (
    InvalidPeriod,
    InvalidSpecialDay,
    InvalidTimeZone,
    OverlappingPeriods,
)

T = time


def table(tz: str, weekly: dict[int, list[tuple[time, time]]], special=None) -> h.Timetable:
    return h.Timetable(tz, {d: [h.Period(s, e) for s, e in spans] for d, spans in weekly.items()},
                       special or {})


def at(tz: str, year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=ZoneInfo(tz))


WEEKDAYS_9_18 = {d: [(T(9), T(18))] for d in range(5)}


def test_open_inside_a_period_and_closes_at_its_end() -> None:
    t = table("Asia/Shanghai", WEEKDAYS_9_18)
    s = h.state_at(t, at("Asia/Shanghai", 2026, 11, 25, 10, 0))  # a Wednesday
    assert s.open_now and s.closes_at == at("Asia/Shanghai", 2026, 11, 25, 18, 0)


def test_several_periods_a_day_with_a_lunch_break() -> None:
    t = table("Asia/Shanghai", {2: [(T(9), T(12)), (T(13), T(18))]})
    lunch = h.state_at(t, at("Asia/Shanghai", 2026, 11, 25, 12, 30))
    assert not lunch.open_now
    assert lunch.next_open_at == at("Asia/Shanghai", 2026, 11, 25, 13, 0)


def test_closed_at_the_weekend_opens_monday() -> None:
    t = table("Asia/Singapore", WEEKDAYS_9_18)
    s = h.state_at(t, at("Asia/Singapore", 2026, 11, 28, 12, 0))  # Saturday
    assert not s.open_now and s.next_open_at == at("Asia/Singapore", 2026, 11, 30, 9, 0)


def test_the_same_instant_in_two_time_zones() -> None:
    """09:00 in Shanghai is 01:00 UTC: open in Shanghai, not yet in London."""
    instant = datetime(2026, 11, 25, 1, 30, tzinfo=UTC)
    assert h.state_at(table("Asia/Shanghai", WEEKDAYS_9_18), instant).open_now
    london = h.state_at(table("Europe/London", WEEKDAYS_9_18), instant)
    assert not london.open_now
    assert london.next_open_at == datetime(2026, 11, 25, 9, 0, tzinfo=UTC)  # GMT in winter


@pytest.mark.parametrize("tz", ["Asia/Hong_Kong", "Europe/London"])
def test_overnight_span_runs_past_midnight(tz: str) -> None:
    t = table(tz, {d: [(T(22), T(2))] for d in range(7)})
    assert h.state_at(t, at(tz, 2026, 11, 25, 23, 0)).open_now
    late = h.state_at(t, at(tz, 2026, 11, 26, 1, 30))
    assert late.open_now and late.closes_at == at(tz, 2026, 11, 26, 2, 0)
    morning = h.state_at(t, at(tz, 2026, 11, 26, 2, 0))
    assert not morning.open_now and morning.next_open_at == at(tz, 2026, 11, 26, 22, 0)


def test_overnight_span_from_sunday_into_monday() -> None:
    t = table("Asia/Hong_Kong", {6: [(T(22), T(2))]})
    assert h.state_at(t, at("Asia/Hong_Kong", 2026, 11, 30, 1, 0)).open_now  # Monday 01:00


def test_a_holiday_closes_the_day_and_next_open_is_after_it() -> None:
    special = {date(2026, 12, 25): h.Special(closed=True, name="Christmas")}
    t = table("Asia/Singapore", WEEKDAYS_9_18, special)
    s = h.state_at(t, at("Asia/Singapore", 2026, 12, 25, 10, 0))  # a Friday
    assert not s.open_now
    assert s.next_open_at == at("Asia/Singapore", 2026, 12, 28, 9, 0)


def test_special_day_with_other_hours() -> None:
    special = {date(2026, 12, 24): h.Special(False, h.Period(T(9), T(12)))}
    t = table("Asia/Singapore", WEEKDAYS_9_18, special)
    assert h.state_at(t, at("Asia/Singapore", 2026, 12, 24, 11, 0)).open_now
    s = h.state_at(t, at("Asia/Singapore", 2026, 12, 24, 13, 0))
    assert not s.open_now and s.next_open_at == at("Asia/Singapore", 2026, 12, 25, 9, 0)


def test_a_holiday_does_not_cut_the_night_that_started_the_evening_before() -> None:
    special = {date(2026, 11, 26): h.Special(closed=True)}
    t = table("Asia/Hong_Kong", {d: [(T(22), T(2))] for d in range(7)}, special)
    assert h.state_at(t, at("Asia/Hong_Kong", 2026, 11, 26, 1, 0)).open_now
    s = h.state_at(t, at("Asia/Hong_Kong", 2026, 11, 26, 12, 0))
    assert s.next_open_at == at("Asia/Hong_Kong", 2026, 11, 27, 22, 0)


def test_long_holiday_next_opening_weeks_ahead() -> None:
    special = {date(2027, 2, d): h.Special(closed=True) for d in range(6, 28)}
    t = table("Asia/Shanghai", {d: [(T(8), T(22))] for d in range(7)}, special)
    s = h.state_at(t, at("Asia/Shanghai", 2027, 2, 10, 12, 0))
    assert s.next_open_at == at("Asia/Shanghai", 2027, 2, 28, 8, 0)


def test_dst_spring_forward_new_york() -> None:
    """On 2026-03-08 clocks jump 02:00→03:00: 09:00 is 13:00 UTC, the day before 14:00 UTC."""
    t = table("America/New_York", {d: [(T(9), T(17))] for d in range(7)})
    sat = h.state_at(t, datetime(2026, 3, 7, 12, 0, tzinfo=UTC))
    assert sat.next_open_at == datetime(2026, 3, 7, 14, 0, tzinfo=UTC)
    sun = h.state_at(t, datetime(2026, 3, 8, 12, 0, tzinfo=UTC))
    assert sun.next_open_at == datetime(2026, 3, 8, 13, 0, tzinfo=UTC)
    assert h.state_at(t, datetime(2026, 3, 8, 20, 59, tzinfo=UTC)).open_now
    assert not h.state_at(t, datetime(2026, 3, 8, 21, 0, tzinfo=UTC)).open_now


def test_dst_fall_back_london_and_an_overnight_span_across_it() -> None:
    """On 2026-10-25 London goes from BST back to GMT (02:00 BST→01:00 GMT): 22:00–02:00 is 5 hours."""
    t = table("Europe/London", {d: [(T(22), T(2))] for d in range(7)})
    s = h.state_at(t, datetime(2026, 10, 24, 21, 30, tzinfo=UTC))  # 22:30 BST
    assert s.open_now and s.closes_at == datetime(2026, 10, 25, 2, 0, tzinfo=UTC)
    assert h.state_at(t, datetime(2026, 10, 25, 1, 30, tzinfo=UTC)).open_now  # 01:30 GMT
    assert not h.state_at(t, datetime(2026, 10, 25, 2, 0, tzinfo=UTC)).open_now


def test_a_period_in_the_skipped_hour_still_opens() -> None:
    """01:30 does not exist in London on 2026-03-29 (01:00 GMT→02:00 BST): read as 02:30 BST."""
    t = table("Europe/London", {6: [(T(1, 30), T(4))]})
    s = h.state_at(t, datetime(2026, 3, 29, 0, 0, tzinfo=UTC))
    assert s.next_open_at == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    assert s.next_open_at.astimezone(ZoneInfo("Europe/London")).hour == 2


def test_always_open() -> None:
    s = h.state_at(h.Timetable("UTC", always_open=True), datetime(2026, 1, 1, tzinfo=UTC))
    assert s.open_now and s.always_open


def test_never_open_has_no_next_opening() -> None:
    s = h.state_at(table("UTC", {}), datetime(2026, 1, 1, tzinfo=UTC))
    assert not s.open_now and s.next_open_at is None


@pytest.mark.parametrize("name", ["", "Mars/Olympus", "Asia/Shanghai\n", "../etc/passwd",
                                  "x" * 100, None, 8])
def test_bad_time_zones_are_refused(name: object) -> None:
    with pytest.raises(InvalidTimeZone) as exc:
        h.check_time_zone(name)
    assert exc.value.code == "invalid_time_zone" and exc.value.status == 422


def test_bad_periods_are_refused() -> None:
    with pytest.raises(InvalidPeriod):
        h.check_period(T(9), T(9))
    with pytest.raises(OverlappingPeriods):
        h.check_week([(0, h.Period(T(9), T(12))), (0, h.Period(T(11), T(13)))])
    with pytest.raises(OverlappingPeriods):  # Monday's night runs into Tuesday morning
        h.check_week([(0, h.Period(T(22), T(2))), (1, h.Period(T(1), T(5)))])
    with pytest.raises(OverlappingPeriods):  # Sunday night into Monday
        h.check_week([(6, h.Period(T(23), T(3))), (0, h.Period(T(2), T(4)))])
    h.check_week([(0, h.Period(T(9), T(12))), (0, h.Period(T(12), T(18)))])  # touching is fine


def test_bad_special_days_are_refused() -> None:
    with pytest.raises(InvalidSpecialDay):
        h.check_special(True, T(9), T(12))
    with pytest.raises(InvalidSpecialDay):
        h.check_special(False, None, T(12))
    with pytest.raises(InvalidPeriod):
        h.check_special(False, T(9), T(9))
