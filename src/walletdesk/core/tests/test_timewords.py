"""A moment in words (core.timewords), in both languages, against the project's clock: today,
yesterday, tomorrow, this year and another year, in the zone given or the active one (the
server's is UTC), and the supervisor's "just now" / "N min ago"."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone, translation

from walletdesk.core import clock
from walletdesk.core.timewords import (
    ago_words,
    clock_words,
    datetime_words,
    day_clock_phrase,
    day_clock_words,
    day_phrase,
    day_words,
    when_words,
)

SH = ZoneInfo("Asia/Shanghai")
NY = ZoneInfo("America/New_York")
NOW = datetime(2026, 12, 7, 14, 30, tzinfo=SH)  # Monday; 06:30 UTC, 01:30 in New York


@pytest.fixture(autouse=True)
def _frozen_clock() -> Iterator[None]:
    with clock.frozen(NOW), timezone.override(SH):
        yield


def at(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SH)


@pytest.mark.parametrize(("language", "expected"), [
    ("en", ["14:25", "Yesterday 09:05", "Dec 1, 23:59", "Dec 31, 2025, 08:00", "Dec 8, 09:00"]),
    ("zh-hans", ["14:25", "昨天 09:05", "12月1日 23:59", "2025年12月31日 08:00", "12月8日 09:00"]),
])
def test_a_moment_in_words(language: str, expected: list[str]) -> None:
    moments = [NOW - timedelta(minutes=5), at(2026, 12, 6, 9, 5), at(2026, 12, 1, 23, 59),
               at(2025, 12, 31, 8, 0), at(2026, 12, 8, 9, 0)]
    with translation.override(language):
        assert [when_words(m) for m in moments] == expected


@pytest.mark.parametrize(("language", "expected"), [
    ("en", ["Today", "Tomorrow", "Yesterday", "Tue, Dec 1", "Sat, Jan 2, 2027", "Dec 31, 2025"]),
    ("zh-hans", ["今天", "明天", "昨天", "12月1日 星期二", "2027年1月2日 星期六", "2025年12月31日"]),
])
def test_day_headings(language: str, expected: list[str]) -> None:
    """The weekday helps plan a day ahead (a callback booked into next year), not one in a past
    year."""
    days = [at(2026, 12, 7, 0, 0), at(2026, 12, 8, 23, 59), at(2026, 12, 6, 12, 0),
            at(2026, 12, 1, 8, 0), at(2027, 1, 2, 9, 0), at(2025, 12, 31, 8, 0)]
    with translation.override(language):
        assert [day_words(d) for d in days] == expected


@pytest.mark.parametrize(("language", "heading", "sentence"), [
    ("en", ["Today 15:30", "Tomorrow 07:00", "Yesterday 23:10", "Sat, Dec 12 09:00"],
     ["today 15:30", "tomorrow 07:00", "yesterday 23:10", "Sat, Dec 12 09:00"]),
    ("zh-hans", ["今天 15:30", "明天 07:00", "昨天 23:10", "12月12日 星期六 09:00"],
     ["今天 15:30", "明天 07:00", "昨天 23:10", "12月12日 星期六 09:00"]),
])
def test_in_a_sentence_english_writes_the_near_days_in_lower_case(
        language: str, heading: list[str], sentence: list[str]) -> None:
    """"Opens tomorrow 07:00", not "Opens Tomorrow 07:00"; a date keeps its capitals, and
    Chinese, which has no case, says the same words as a heading."""
    moments = [at(2026, 12, 7, 15, 30), at(2026, 12, 8, 7, 0), at(2026, 12, 6, 23, 10),
               at(2026, 12, 12, 9, 0)]
    with translation.override(language):
        assert [day_clock_words(m) for m in moments] == heading
        assert [day_clock_phrase(m) for m in moments] == sentence
        assert [day_phrase(m) for m in moments][:3] == [s.rsplit(" ", 1)[0] for s in sentence[:3]]


def test_in_a_sentence_the_zone_given_decides_the_day() -> None:
    """12:30 on Dec 8 in Shanghai (tomorrow there) is 23:30 on Dec 7 in New York (today)."""
    moment = datetime(2026, 12, 8, 4, 30, tzinfo=UTC)
    with translation.override("en"):
        assert day_clock_phrase(moment) == "tomorrow 12:30"
        assert day_clock_phrase(moment, NY) == "today 23:30"
        assert day_clock_phrase(moment, NY, now=NOW + timedelta(days=1)) == "yesterday 23:30"


@pytest.mark.parametrize(("language", "expected"), [
    ("en", ["just now", "just now", "1 min ago", "59 min ago", "11:30", "Yesterday 14:30",
            "Dec 5, 14:30", "Dec 31, 2025, 23:59", "15:30"]),
    ("zh-hans", ["刚刚", "刚刚", "1 分钟前", "59 分钟前", "11:30", "昨天 14:30", "12月5日 14:30",
                 "2025年12月31日 23:59", "15:30"]),
])
def test_a_recent_moment_counts_the_minutes(language: str, expected: list[str]) -> None:
    moments = [NOW - timedelta(seconds=10), NOW + timedelta(seconds=30), NOW - timedelta(seconds=60),
               NOW - timedelta(minutes=59, seconds=59), NOW - timedelta(hours=3),
               NOW - timedelta(days=1), NOW - timedelta(days=2), at(2025, 12, 31, 23, 59),
               NOW + timedelta(hours=1)]  # ahead: a time, never "ago"
    with translation.override(language):
        assert [ago_words(m) for m in moments] == expected


def test_the_zone_given_decides_the_day_not_the_servers_or_the_active_one() -> None:
    """00:30 on Dec 7 in Shanghai is 11:30 on Dec 6 in New York (and 16:30 on Dec 6 in UTC, the
    server's zone)."""
    moment = datetime(2026, 12, 6, 16, 30, tzinfo=UTC)
    with translation.override("en"):
        assert (day_words(moment), when_words(moment), clock_words(moment)) == (
            "Today", "00:30", "00:30")
        assert (day_words(moment, NY), when_words(moment, NY), clock_words(moment, NY)) == (
            "Yesterday", "Yesterday 11:30", "11:30")
        assert ago_words(moment, NY) == "Yesterday 11:30"
        with timezone.override(NY):  # the active zone, when none is given
            assert (day_words(moment), when_words(moment)) == ("Yesterday", "Yesterday 11:30")


def test_the_year_is_the_zones_year() -> None:
    """At 07:00 on Jan 1 in Shanghai it is still Dec 31 in New York: "this year" is the zone's."""
    with clock.frozen(at(2027, 1, 1, 7, 0)), translation.override("en"):
        moment = datetime(2026, 12, 30, 15, 0, tzinfo=UTC)  # Dec 30 in New York, Dec 30 23:00 here
        assert datetime_words(moment) == "Dec 30, 2026, 23:00"
        assert datetime_words(moment, NY) == "Dec 30, 10:00"
        assert day_words(moment, NY) == "Yesterday" and day_words(moment) == "Dec 30, 2026"


def test_a_moment_in_a_sentence_always_has_its_date() -> None:
    with translation.override("zh-hans"):
        assert datetime_words(NOW) == "12月7日 14:30"
        assert datetime_words(at(2025, 3, 5, 9, 7)) == "2025年3月5日 09:07"
    with translation.override("en"):
        assert datetime_words(NOW, NY) == "Dec 7, 01:30"


def test_now_may_be_given_and_a_naive_moment_is_utc() -> None:
    later = NOW + timedelta(days=1)
    naive = datetime(2026, 12, 7, 6, 0)  # 14:00 in Shanghai
    with translation.override("en"):
        assert ago_words(NOW - timedelta(minutes=5), now=later) == "Yesterday 14:25"
        assert day_words(NOW, now=later) == "Yesterday"
        assert (when_words(naive), ago_words(naive)) == ("14:00", "30 min ago")


def test_hong_kong_readers_get_the_traditional_words() -> None:
    with translation.override("zh-hant"):
        assert [ago_words(NOW), ago_words(NOW - timedelta(minutes=5)),
                day_words(NOW + timedelta(days=1))] == ["剛剛", "5 分鐘前", "明天"]
