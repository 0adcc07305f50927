"""Contact pages: the hub (联系客服), the public official contacts, and verification."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from walletdesk.core import clock
from walletdesk.core.errors import DomainError
from walletdesk.core.timewords import clock_words, day_clock_phrase
from walletdesk.core.timezones import offset

from . import forecast, queries, ratelimit, services, verify
from . import hours as hours_math
from .models import Region
from .templatetags.directory_tags import opens


def _zone(request: HttpRequest, fallback: str) -> str:
    """The viewer's time zone: their profile, a valid ?tz=, or the fallback."""
    zone = str(getattr(request.user, "time_zone", "") or "")
    if request.user.is_authenticated and zone:
        return zone
    asked = request.GET.get("tz", "")[:64]
    try:
        return hours_math.check_time_zone(asked) if asked else fallback
    except DomainError:
        return fallback


# The ways to reach a person, in the order people look for them (Alipay's 联系客服, Intercom's
# messenger): chat first, then the phone lines, then email. Websites and social accounts are
# listed apart: they are ours, but nobody answers there.
REACH = ("chat", "phone", "email")


def _region_blocks(regions: list[Region], zone: str) -> list[dict[str, Any]]:
    now = clock.now()
    blocks = []
    for region in regions:
        objects = queries.channels(region)
        rows = queries.channel_states(objects, zone, now)
        reach = sorted((r for r in rows if r["kind"] in REACH), key=lambda r: REACH.index(r["kind"]))
        blocks.append({"region": region, "name": queries.pick(region, "name"),
                       "notes": queries.pick(region, "notes"), "channels": rows,
                       "reach": reach, "accounts": [r for r in rows if r["kind"] not in REACH],
                       "objects": objects})
    return blocks


def _chat_words(rows: list[dict[str, Any]]) -> str:
    """Under "Talk to a person", what Intercom says under its button: how soon chat answers,
    the live estimate as "now", else this hour's forecast as "usually" (the chat row below
    says the same figure the same way)."""
    chat = next((r for r in rows if r["kind"] == "chat" and "://" not in r["value"]), None)
    if chat is None:
        return ""
    if not chat["open_now"]:
        if chat["next_open_at"] is None:
            return ""
        return _("Online chat is closed now. %(opens)s.") % {"opens": opens(chat["next_open_at"])}
    if chat["estimated_wait_seconds"] is not None:
        return _("Online chat is open; the wait now is %(wait)s.") % {
            "wait": wait_words(chat["estimated_wait_seconds"])}
    if chat["expected_wait_seconds"] is not None:
        return _("Online chat is open; a person usually answers in %(wait)s.") % {
            "wait": wait_words(chat["expected_wait_seconds"])}
    return _("Online chat is open now.")


wait_words = forecast.wait_words


def _clause(kind: str, wait: str) -> str:
    if kind == "chat":
        return _("online chat usually answers in %(wait)s") % {"wait": wait}
    if kind == "phone":
        return _("a callback usually comes %(wait)s late") % {"wait": wait}
    return _("email usually gets a first answer in %(wait)s") % {"wait": wait}


def _closed_words(chart: dict[str, Any]) -> str:
    """A closed channel in words: when it opens, never a wait."""
    opens = chart["opens_at"]
    if opens is None:
        return _("%(channel)s is closed now; no opening is planned in the next weeks.") % {
            "channel": chart["label"]}
    return _("%(channel)s is closed now. Next open: %(when)s.") % {
        "channel": chart["label"], "when": day_clock_phrase(opens, opens.tzinfo)}


def forecast_panel(objects: list[Any], zone: str) -> dict[str, Any]:
    """Today's expected waits per channel with hints in words (read from the forecast table);
    a channel closed at this minute says when it opens, never a current wait."""
    now = clock.now()
    charts = forecast.hub_charts(objects, now, zone)
    busy = False
    clauses = []
    closed = []
    for chart in charts:
        known = sorted(h["wait"] for h in chart["hours"] if h["wait"] is not None)
        current = chart["current"]
        if not chart["open_now"]:
            chart["closed_words"] = _closed_words(chart)
            closed.append(chart["closed_words"])
            chart["summary"] = _("Expected waits today for %(channel)s; closed now.") % {
                "channel": chart["label"]}
            continue
        if current is None:
            chart["summary"] = _("Expected waits today for %(channel)s; not enough data for this hour.") % {
                "channel": chart["label"]}
            continue
        busy = busy or current >= 1.3 * known[(len(known) - 1) // 2]  # the lower median
        clauses.append(_clause(chart["kind"], wait_words(current)))
        chart["now_words"] = wait_words(current)
        chart["summary"] = _("Expected waits today for %(channel)s; usually %(wait)s at this hour.") % {
            "channel": chart["label"], "wait": chart["now_words"]}
    hint_now = ""
    if clauses:  # the forecast of this hour: what is usual, not a live figure
        what = pgettext("list separator", ", ").join(clauses)
        hint_now = (_("A busy hour: %(what)s.") if busy else _("At this hour: %(what)s.")) % {
            "what": what}
    hint_quiet = ""
    by_kind = {c["kind"]: c for c in charts}
    primary = by_kind.get("phone") or by_kind.get("chat") or (charts[0] if charts else None)
    if primary is not None:
        # Hours still to come, and this hour only while the channel is open.
        ahead = [h for h in primary["hours"] if h["wait"] is not None
                 and (h["start"] > now or (primary["open_now"]
                                           and h["start"] + timedelta(hours=1) > now))]
        if ahead:
            best = min(ahead, key=lambda h: (h["wait"], h["hour"]))
            hint_quiet = _("Quietest time today for %(channel)s: %(start)s–%(end)s.") % {
                "channel": primary["label"], "start": f"{best['hour']:02d}:00",
                "end": f"{(best['hour'] + 1) % 24:02d}:00"}
    return {"charts": charts, "hint_now": hint_now, "hint_quiet": hint_quiet, "closed": closed}


def hub(request: HttpRequest) -> HttpResponse:
    """联系客服: every channel of the user's region with its live state."""
    if not request.user.is_authenticated:
        return redirect("directory:official")
    all_regions = list(queries.regions())
    region = queries.default_region(request.GET.get("region", "")[:8]
                                    or str(getattr(request.user, "region", "")))
    zone = _zone(request, region.time_zone if region else settings.DEFAULT_USER_TIME_ZONE)
    blocks = _region_blocks([region], zone) if region else []
    return render(request, "directory/hub.html", {
        "blocks": blocks,
        "waits": forecast_panel(blocks[0]["objects"], zone) if blocks else None,
        "chat_words": _chat_words(blocks[0]["channels"]) if blocks else "",
        "regions": all_regions, "current": region, "zone": zone,
        # The zone is said only when its clock is not the region's now (a traveller reading
        # home): Hong Kong reading Mainland China's hours reads the same times.
        "other_zone": region is not None and offset(zone) != offset(region.time_zone),
        "now_words": clock_words(clock.now(), ZoneInfo(zone)),
    })


def _accounts_once(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The websites and social accounts of every region, each once (the same website was
    listed under every region), with the regions that list it: "All regions" when all do."""
    found: dict[tuple[str, str, str], dict[str, Any]] = {}
    for block in blocks:
        for ch in block["accounts"]:
            key = (ch["kind"], ch["platform"] or "", ch["normalized"])
            found.setdefault(key, {"ch": ch, "names": []})["names"].append(str(block["name"]))
    every = len(blocks) > 1
    return [{"ch": a["ch"], "regions": pgettext("an account listed in", "All regions")
             if every and len(a["names"]) == len(blocks)
             else pgettext("between the items of a list", ", ").join(a["names"])}
            for a in found.values()]


def official(request: HttpRequest) -> HttpResponse:
    """Every official channel of every region, for people who are not logged in."""
    zone = _zone(request, settings.DEFAULT_USER_TIME_ZONE)
    blocks = _region_blocks(list(queries.regions()), zone)
    return render(request, "directory/official.html", {
        "blocks": blocks, "accounts": _accounts_once(blocks), "zone": zone,
        "now_words": clock_words(clock.now(), ZoneInfo(zone)),
    })


def verify_page(request: HttpRequest) -> HttpResponse:
    value = request.GET.get("value", "")
    result, error, status = None, "", 200
    if "value" in request.GET:
        try:
            ratelimit.hit(ratelimit.VERIFY, ratelimit.client_key(request))
            result = verify.check(value, getattr(request.user, "region", "CN"))
        except DomainError as exc:
            error, status = str(exc.message), exc.status
    return render(request, "directory/verify.html", {
        "value": value[:300], "result": result, "error": error,
    }, status=status)


@require_POST
def report(request: HttpRequest) -> HttpResponse:
    value = request.POST.get("value", "")
    try:
        ratelimit.hit(ratelimit.REPORT, ratelimit.client_key(request))
        services.create_report(value=value, note=request.POST.get("note", ""),
                               reporter=request.user if request.user.is_authenticated else None,
                               region_hint=getattr(request.user, "region", "CN"))
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Thank you. Our security team will look at your report."))
    return redirect("directory:verify")
