"""Showing service hours and opening times in the viewer's language and time zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from walletdesk.core import clock, hant
from walletdesk.core.timewords import clock_words, day_clock_phrase, day_words

from ..forecast import wait_words
from ..lookups import pick
from ..lookups import regions as listed_regions
from ..models import WeeklyPeriod

register = template.Library()


def _at(iso: str | None, today: str, later: str) -> str:
    """``today`` with the time for a moment of today, else ``later`` with the day and time in a
    sentence ("tomorrow 07:00"); the ISO instant is already in the viewer's zone and stays in
    it."""
    if not iso:
        return ""
    at = datetime.fromisoformat(iso)
    if at.date() == clock.now().astimezone(at.tzinfo).date():
        return today % {"time": clock_words(at, at.tzinfo)}
    return later % {"when": day_clock_phrase(at, at.tzinfo)}


@register.simple_tag
def opens(iso: str | None) -> str:
    """When a closed channel opens: "Opens at 22:00", "Opens tomorrow 07:00"."""
    return _at(iso, _("Opens at %(time)s"), _("Opens %(when)s"))


@register.simple_tag
def closes(iso: str | None) -> str:
    """When an open channel closes: "Closes at 22:00", "Closes tomorrow 02:00" (a night line)."""
    return _at(iso, _("Closes at %(time)s"), _("Closes %(when)s"))


@register.simple_tag
def open_until(iso: str | None) -> str:
    """An open channel's state with its closing time, short enough for a badge."""
    return _at(iso, _("Open until %(time)s"), _("Open until %(when)s"))


def _joined(items: list[str]) -> str:
    """Items of a list ("Saturday, Sunday"): "、" between them in Chinese, ", " in English."""
    return pgettext("between the items of a list", ", ").join(items)


def _period_text(p: dict[str, Any]) -> str:
    if p["end"] <= p["start"]:
        return _("%(start)s–%(end)s (next day)") % {"start": p["start"], "end": p["end"]}
    return f"{p['start']}–{p['end']}"


def _days_text(days: list[int]) -> str:
    labels = dict(WeeklyPeriod.Weekday.choices)
    if len(days) == 7:
        return _("Every day")
    if len(days) > 2 and days == list(range(days[0], days[-1] + 1)):
        return _("%(first)s to %(last)s") % {"first": labels[days[0]], "last": labels[days[-1]]}
    return _joined([str(labels[d]) for d in days])


@register.filter
def hours_lines(hours: dict[str, Any] | None) -> list[dict[str, str]]:
    """Weekdays with the same periods grouped: [{"days": "Monday to Friday", "periods": ...}]."""
    if not hours:
        return []
    if hours["always_open"]:
        return [{"days": _("Every day"), "periods": _("24 hours")}]
    by_day: dict[int, list[str]] = {}
    for p in hours["weekly"]:
        by_day.setdefault(p["weekday"], []).append(_period_text(p))
    groups: list[tuple[list[int], str]] = []
    for day in range(7):
        text = _joined(by_day.get(day, []))
        if groups and groups[-1][1] == text and groups[-1][0][-1] == day - 1:
            groups[-1][0].append(day)
        else:
            groups.append(([day], text))
    closed = pgettext("service hours", "Closed")
    return [{"days": _days_text(days), "periods": text or closed} for days, text in groups]


@register.filter
def with_hours(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The channels that keep service hours (not the always-available ones)."""
    return [ch for ch in rows if ch.get("hours") and not ch["hours"]["always_open"]]


@register.filter
def upcoming_days(hours: dict[str, Any] | None, limit: int = 4) -> list[dict[str, str]]:
    if not hours:
        return []
    today = clock.now().date()
    out = []
    for d in hours["special_days"]:
        day = date.fromisoformat(d["date"])
        if day < today:
            continue
        name = hant.for_reader(d["name_zh"], d["name_en"])
        state = pgettext("service hours", "closed") if d["closed"] else _period_text(d)
        noon = datetime.combine(day, time(12), tzinfo=UTC)  # the day itself, in any zone
        out.append({"date": day_words(noon, UTC), "name": name, "state": state})
    return out[: int(limit)]


@register.filter
def kind_label(kind: str) -> str:
    from ..models import Channel

    return str(dict(Channel.Kind.choices).get(kind, kind))


@register.filter
def wait_line(ch: dict[str, Any]) -> str:
    """How long an open channel keeps people waiting, in words: the live estimate as "now",
    else what this hour usually is (the forecast) as "usually"; nothing for a closed channel
    or one without a figure of its own. A phone line's forecast is how late its booked
    callbacks come, not a wait on hold, and is said so."""
    if not ch.get("open_now"):
        return ""
    live = ch.get("estimated_wait_seconds")
    if live is not None:
        return _("Wait now: %(wait)s") % {"wait": wait_words(live)}
    usual = ch.get("expected_wait_seconds")
    if usual is None:
        return ""
    if ch.get("kind") == "email":
        return _("First reply usually in %(wait)s") % {"wait": wait_words(usual)}
    if ch.get("kind") == "phone":
        return _("Callbacks usually come %(wait)s late") % {"wait": wait_words(usual)}
    return _("Usual wait %(wait)s") % {"wait": wait_words(usual)}


@register.filter
def region_name(code: str) -> str:
    """A region code ("CN") as people call it ("Mainland China" / "中国大陆")."""
    region = listed_regions().filter(code=code).first()
    return str(pick(region, "name")) if region is not None else code


@register.filter
def email_breaks(address: str) -> SafeString:
    """An address that wraps after its "@" on a narrow screen, never inside a word."""
    local, at, domain = str(address).partition("@")
    return mark_safe(f"{escape(local)}{at}<wbr>{escape(domain)}" if at else escape(local))  # noqa: S308
