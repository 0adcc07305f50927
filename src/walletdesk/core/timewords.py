"""A moment in words: the one way the pages say a time, in the active language, in the zone
given (else the active one, the reader's) and against the project's clock (``core.clock``,
``now`` to pin it for a whole page).

* ``datetime_words``, a moment in a sentence: "Dec 5, 14:30" / "12月5日 14:30", the year only
  when it is not this one ("Dec 5, 2025, 14:30" / "2025年12月5日 14:30");
* ``when_words``, a moment on its own: "14:30" today, "Yesterday 14:30" / "昨天 14:30", else
  ``datetime_words``;
* ``ago_words``, a recent moment: "just now" / "刚刚" within a minute, "5 min ago" / "5 分钟前"
  within the hour, else ``when_words``;
* ``day_words``, a day heading: "Today", "Tomorrow", "Yesterday", "Sat, Dec 5" / "12月5日 星期六",
  the year after it in another year ("Sat, Jan 2, 2027"), without the weekday in a past year
  ("Dec 5, 2025");
* ``clock_words``, the time of day under such a heading: "14:30";
* ``day_clock_words``, a moment to plan for (a callback): "Today 15:30" / "今天 15:30",
  "Tomorrow 10:00", "Sat, Dec 12 09:00" / "12月12日 星期六 09:00";
* ``day_phrase`` and ``day_clock_phrase``, the same inside a sentence, where English writes
  "today", "tomorrow", "yesterday" in lower case ("Opens tomorrow 07:00"); a date keeps its
  capitals ("Opens Sat, Dec 12 09:00") and Chinese, which has no case, says the same words
  ("明天 07:00 开始服务");
* ``date_words``, a date alone (a row's date, a date without a time): "Dec 5" / "12月5日", the
  year only when it is not this one ("Dec 5, 2025" / "2025年12月5日");
* ``span_words``, the days from one moment to another (the end not included, as a promotion's
  ``ends_at``): "Dec 1 – Dec 31" / "12月1日至12月31日", one date when both fall on one day.

The template filters over these are in ``core/templatetags/timewords.py``.

No ISO date (a narrow line breaks at its hyphen) and no offset: a page is read in one zone.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, tzinfo

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import pgettext

from walletdesk.core import clock


def local(moment: datetime, zone: tzinfo | None = None) -> datetime:
    """``moment`` in ``zone``, else in the active zone; a naive moment is UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(zone) if zone is not None else timezone.localtime(moment)


def _today(at: datetime, now: datetime | None) -> date:
    """Today in ``at``'s zone."""
    return (now or clock.now()).astimezone(at.tzinfo).date()


def clock_words(moment: datetime, zone: tzinfo | None = None) -> str:
    return f"{local(moment, zone):%H:%M}"


def datetime_words(moment: datetime, zone: tzinfo | None = None,
                   now: datetime | None = None) -> str:
    at = local(moment, zone)
    if at.year == _today(at, now).year:
        return date_format(at, pgettext("a moment this year: Django date format", "M j, H:i"))
    return date_format(at, pgettext("a moment in another year: Django date format", "M j, Y, H:i"))


def when_words(moment: datetime, zone: tzinfo | None = None, now: datetime | None = None) -> str:
    at = local(moment, zone)
    days = (at.date() - _today(at, now)).days
    if days == 0:
        return f"{at:%H:%M}"
    if days == -1:
        return pgettext("a moment yesterday; {time} is 14:30", "Yesterday {time}").format(
            time=f"{at:%H:%M}")
    return datetime_words(at, at.tzinfo, now)


def ago_words(moment: datetime, zone: tzinfo | None = None, now: datetime | None = None) -> str:
    now = now or clock.now()
    seconds = (now - local(moment, zone)).total_seconds()
    if -60 < seconds < 60:
        return pgettext("a moment", "just now")
    if 0 < seconds < 3600:
        return pgettext("a moment", "%(n)s min ago") % {"n": int(seconds // 60)}
    return when_words(moment, zone, now)


def _near_day(days: int, in_sentence: bool) -> str | None:
    """Today, tomorrow or yesterday: capitalised as a heading, lower case in a sentence."""
    if in_sentence:
        near = {0: pgettext("a day in a sentence", "today"),
                1: pgettext("a day in a sentence", "tomorrow"),
                -1: pgettext("a day in a sentence", "yesterday")}
    else:
        near = {0: pgettext("a day heading", "Today"), 1: pgettext("a day heading", "Tomorrow"),
                -1: pgettext("a day heading", "Yesterday")}
    return near.get(days)


def _day(moment: datetime, zone: tzinfo | None, now: datetime | None, in_sentence: bool) -> str:
    at = local(moment, zone)
    today = _today(at, now)
    near = _near_day((at.date() - today).days, in_sentence)
    if near is not None:
        return near
    if at.year == today.year:
        return date_format(at, pgettext("a day heading this year: Django date format", "D, M j"))
    if at.year > today.year:
        return date_format(at, pgettext("a day heading in a later year: Django date format",
                                        "D, M j, Y"))
    return date_format(at, pgettext("a day heading in another year: Django date format", "M j, Y"))


def day_words(moment: datetime, zone: tzinfo | None = None, now: datetime | None = None) -> str:
    return _day(moment, zone, now, in_sentence=False)


def day_phrase(moment: datetime, zone: tzinfo | None = None, now: datetime | None = None) -> str:
    """``day_words`` inside a sentence: "today", "tomorrow", "yesterday", else the date."""
    return _day(moment, zone, now, in_sentence=True)


def day_clock_words(moment: datetime, zone: tzinfo | None = None,
                    now: datetime | None = None) -> str:
    return f"{day_words(moment, zone, now)} {clock_words(moment, zone)}"


def day_clock_phrase(moment: datetime, zone: tzinfo | None = None,
                     now: datetime | None = None) -> str:
    """``day_clock_words`` inside a sentence: "tomorrow 07:00" / "明天 07:00"."""
    return f"{day_phrase(moment, zone, now)} {clock_words(moment, zone)}"


def date_words(day: date, zone: tzinfo | None = None, now: datetime | None = None) -> str:
    """``day`` (a date, or a moment's date in ``zone``) without a time."""
    if isinstance(day, datetime):
        at = local(day, zone)
        the_day, today = at.date(), _today(at, now)
    else:
        the_day = day
        today = (now or clock.now()).astimezone(zone or timezone.get_current_timezone()).date()
    if the_day.year == today.year:
        return date_format(the_day, pgettext("a date this year: Django date format", "M j"))
    return date_format(the_day, pgettext("a date in another year: Django date format", "M j, Y"))


def span_words(start: datetime, end: datetime, zone: tzinfo | None = None,
               now: datetime | None = None) -> str:
    """The days from ``start`` to ``end``, ``end`` not included (one ending at midnight ends
    the day before)."""
    first = local(start, zone)
    last = local(end, zone) - timedelta(microseconds=1)
    if last.date() <= first.date():
        return date_words(first, first.tzinfo, now)
    return pgettext("the days from one date to another; {start} and {end} are dates in words",
                    "{start} – {end}").format(start=date_words(first, first.tzinfo, now),
                                              end=date_words(last, last.tzinfo, now))
