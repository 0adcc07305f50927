"""``{% load timewords %}``: a time on a page in words (``core.timewords``), in the active
language and zone, never an ISO date.

* ``{{ x|when }}``, a row's moment: "14:30" today, "Yesterday 14:30", "Dec 5, 14:30";
* ``{{ x|moment }}``, a moment in a sentence or a deadline, always with its date:
  "Dec 5, 14:30" / "12月5日 14:30";
* ``{{ x|ago }}``, a recent moment: "just now", "5 min ago", else as ``when``;
* ``{{ x|day_clock }}``, a moment to plan for: "Today 15:30", "Tomorrow 10:00";
* ``{{ x|day_clock_phrase }}``, the same inside a sentence: "Opens {{ x|day_clock_phrase }}"
  reads "Opens tomorrow 07:00" / "明天 07:00";
* ``{{ x|day }}``, a date alone: "Dec 5" / "12月5日", the year only when not this one;
* ``{{ start|span:end }}``, the days from one to the other, ``end`` not included:
  "Dec 1 – Dec 31" / "12月1日至12月31日".

Each gives "" for ``None`` (``|default:"—"`` after it for a dash). The machine value stays in an
attribute: ``<time datetime="{{ x|date:'c' }}">{{ x|when }}</time>``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from django import template

from .. import timewords

register = template.Library()


def _of_a_moment(words: Callable[[datetime], str]) -> Callable[[datetime | date | None], str]:
    """``words`` for a moment; a date alone in words for a date, "" for ``None`` or ""."""
    def show(value: datetime | date | None) -> str:
        return words(value) if isinstance(value, datetime) else day(value)
    return show


@register.filter
def day(value: date | None) -> str:
    return timewords.date_words(value) if isinstance(value, date) else ""


register.filter("when", _of_a_moment(timewords.when_words))
register.filter("moment", _of_a_moment(timewords.datetime_words))
register.filter("ago", _of_a_moment(timewords.ago_words))
register.filter("day_clock", _of_a_moment(timewords.day_clock_words))
register.filter("day_clock_phrase", _of_a_moment(timewords.day_clock_phrase))


@register.filter
def span(start: datetime | None, end: datetime | None) -> str:
    if isinstance(start, datetime) and isinstance(end, datetime):
        return timewords.span_words(start, end)
    return day(start)
