"""``{% load timewords %}``: the template filters over core.timewords, in both languages and
in the active zone (the reader's), and what a date alone and a span of days read like; ``None``
(a moment not set) shows nothing, or the dash a template gives it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.template import engines
from django.utils import timezone, translation

from walletdesk.core import clock
from walletdesk.core.timewords import date_words, span_words

SH = ZoneInfo("Asia/Shanghai")
NY = ZoneInfo("America/New_York")
NOW = datetime(2026, 12, 7, 14, 30, tzinfo=SH)  # Monday; 01:30 in New York
ISO = r"\d{4}-\d{2}-\d{2}"


@pytest.fixture(autouse=True)
def _frozen_clock() -> Iterator[None]:
    with clock.frozen(NOW), timezone.override(SH):
        yield


def render(source: str, language: str, **context: Any) -> str:
    with translation.override(language):
        return engines["django"].from_string("{% load timewords %}" + source).render(context)


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SH)


@pytest.mark.parametrize(("language", "expected"), [
    ("en", "14:25|Yesterday 09:05|Dec 1, 23:59|Dec 31, 2025, 08:00"),
    ("zh-hans", "14:25|昨天 09:05|12月1日 23:59|2025年12月31日 08:00"),
    ("zh-hant", "14:25|昨天 09:05|12月1日 23:59|2025年12月31日 08:00"),
])
def test_when_is_a_rows_moment(language: str, expected: str) -> None:
    moments = [NOW - timedelta(minutes=5), at(2026, 12, 6, 9, 5), at(2026, 12, 1, 23, 59),
               at(2025, 12, 31, 8, 0)]
    assert render("{% for m in ms %}{{ m|when }}{% if not forloop.last %}|{% endif %}{% endfor %}",
                  language, ms=moments) == expected


@pytest.mark.parametrize(("language", "expected"), [
    ("en", "Dec 7, 14:30|Dec 10, 09:00|Jan 4, 2027, 09:00"),
    ("zh-hans", "12月7日 14:30|12月10日 09:00|2027年1月4日 09:00"),
])
def test_moment_always_has_its_date(language: str, expected: str) -> None:
    """A deadline ("answers by") says the day even when it is today."""
    ms = [NOW, at(2026, 12, 10, 9), at(2027, 1, 4, 9)]
    assert render("{{ a|moment }}|{{ b|moment }}|{{ c|moment }}", language,
                  a=ms[0], b=ms[1], c=ms[2]) == expected


@pytest.mark.parametrize(("language", "expected"), [
    ("en", "just now|5 min ago|Yesterday 14:30|Today 15:30|Tomorrow 10:00|Sat, Dec 12 09:00"),
    ("zh-hans", "刚刚|5 分钟前|昨天 14:30|今天 15:30|明天 10:00|12月12日 星期六 09:00"),
])
def test_ago_and_day_clock(language: str, expected: str) -> None:
    source = ("{{ a|ago }}|{{ b|ago }}|{{ c|ago }}|{{ d|day_clock }}|{{ e|day_clock }}"
              "|{{ f|day_clock }}")
    assert render(source, language, a=NOW, b=NOW - timedelta(minutes=5),
                  c=NOW - timedelta(days=1), d=at(2026, 12, 7, 15, 30),
                  e=at(2026, 12, 8, 10), f=at(2026, 12, 12, 9)) == expected


@pytest.mark.parametrize(("language", "expected"), [
    ("en", "Opens today 15:30|Opens tomorrow 10:00|Opens Sat, Dec 12 09:00"),
    ("zh-hans", "今天 15:30|明天 10:00|12月12日 星期六 09:00"),
    ("zh-hant", "今天 15:30|明天 10:00|12月12日 星期六 09:00"),
])
def test_day_clock_phrase_sits_inside_a_sentence(language: str, expected: str) -> None:
    opens = "Opens " if language == "en" else ""
    source = "|".join(opens + "{{ " + name + "|day_clock_phrase }}" for name in "abc")
    assert render(source, language, a=at(2026, 12, 7, 15, 30), b=at(2026, 12, 8, 10),
                  c=at(2026, 12, 12, 9)) == expected


@pytest.mark.parametrize(("language", "expected"), [
    ("en", "Dec 5|Dec 7|Dec 5, 2025|Jan 2, 2027"),
    ("zh-hans", "12月5日|12月7日|2025年12月5日|2027年1月2日"),
])
def test_day_is_a_date_alone(language: str, expected: str) -> None:
    """A date (or a moment's date), the year only when it is not this one."""
    assert render("{{ a|day }}|{{ b|day }}|{{ c|day }}|{{ d|day }}", language,
                  a=date(2026, 12, 5), b=NOW, c=at(2025, 12, 5, 23), d=date(2027, 1, 2)) == expected


@pytest.mark.parametrize(("language", "expected"), [
    ("en", ["Dec 1 – Dec 31", "Dec 1 – Jan 31, 2027", "Dec 7"]),
    ("zh-hans", ["12月1日至12月31日", "12月1日至2027年1月31日", "12月7日"]),
    ("zh-hant", ["12月1日至12月31日", "12月1日至2027年1月31日", "12月7日"]),
])
def test_span_of_days_leaves_out_its_end(language: str, expected: list[str]) -> None:
    """A promotion ending at midnight ends the day before; one within a day is that day."""
    spans = [(at(2026, 12, 1), at(2027, 1, 1)), (at(2026, 12, 1, 9), at(2027, 1, 31, 18)),
             (at(2026, 12, 7, 9), at(2026, 12, 7, 18))]
    assert [render("{{ a|span:b }}", language, a=a, b=b) for a, b in spans] == expected


def test_the_active_zone_decides_the_day() -> None:
    """00:30 on Dec 7 in Shanghai is 11:30 on Dec 6 in New York: the reader's zone is used."""
    moment = datetime(2026, 12, 6, 16, 30, tzinfo=UTC)
    source = "{{ m|when }}|{{ m|moment }}|{{ m|day }}|{{ m|day_clock }}"
    assert render(source, "en", m=moment) == "00:30|Dec 7, 00:30|Dec 7|Today 00:30"
    with timezone.override(NY):
        assert render(source, "en", m=moment) == (
            "Yesterday 11:30|Dec 6, 11:30|Dec 6|Yesterday 11:30")
    with translation.override("zh-hans"):  # and the zone given, when one is
        assert date_words(moment, NY) == "12月6日" == span_words(moment, moment + timedelta(hours=1), NY)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_none_shows_nothing_or_the_templates_dash(language: str) -> None:
    source = ("[{{ m|when }}{{ m|moment }}{{ m|ago }}{{ m|day_clock }}{{ m|day_clock_phrase }}"
              "{{ m|day }}{{ m|span:m }}"
              "{{ empty|when }}]{{ m|when|default:'—' }}")
    assert render(source, language, m=None, empty="") == "[]—"


def test_no_filter_writes_an_iso_date() -> None:
    import re

    source = ("{{ m|when }} {{ m|moment }} {{ m|ago }} {{ m|day_clock }} {{ m|day_clock_phrase }}"
              " {{ m|day }} {{ m|span:n }}")
    for language in ("en", "zh-hans"):
        for m in (NOW, at(2025, 3, 5, 9, 7), at(2027, 2, 1, 8)):
            text = render(source, language, m=m, n=m + timedelta(days=40))
            assert not re.search(ISO, text), text
