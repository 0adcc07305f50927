"""Phone pages: book a callback (from the contact hub or an after-hours chat), my callbacks, and
the staff callbacks page."""

from __future__ import annotations

from itertools import groupby
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from walletdesk.core.errors import DomainError
from walletdesk.core.timewords import day_clock_words, day_words
from walletdesk.directory import forecast, ratelimit
from walletdesk.directory import queries as directory_queries
from walletdesk.directory.models import Channel
from walletdesk.support import access
from walletdesk.support.models import Conversation
from walletdesk.support.services.conversations import TOPIC_LABELS, TOPICS

from . import desk, queries, services
from .api import BOOK_LIMIT
from .errors import NoSuchLine


def _zone(request: HttpRequest) -> ZoneInfo:
    try:
        return ZoneInfo(str(getattr(request.user, "time_zone", "") or settings.DEFAULT_USER_TIME_ZONE))
    except Exception:
        return ZoneInfo(settings.DEFAULT_USER_TIME_ZONE)


def _from_conversation(request: HttpRequest, raw: str) -> Conversation | None:
    if not raw.isdigit():
        return None
    try:
        conv, role = access.get_for(int(raw), request.user)
    except DomainError:
        return None
    return conv if role == "customer" and conv.status == Conversation.Status.QUEUED else None


def _line_for(request: HttpRequest, raw: str) -> Any:
    if raw:
        return services.line(raw)
    value = request.GET.get("value", "")[:40]
    if value:
        found = Channel.objects.filter(region__code=request.GET.get("region", "")[:8], kind="phone",
                                       normalized=value).values_list("pk", flat=True).first()
        return services.line(found or "")
    region = directory_queries.default_region(str(getattr(request.user, "region", "")))
    for ch in directory_queries.channels(region) if region else []:
        if ch.kind == "phone" and ch.hours is not None:
            return ch
    raise NoSuchLine()


@login_required
def book(request: HttpRequest) -> HttpResponse:
    if access.agent_of(request.user) is not None:
        raise Http404
    data = request.POST if request.method == "POST" else request.GET
    try:
        ch = _line_for(request, data.get("line", "")[:12])
    except DomainError:
        raise Http404 from None
    conv = _from_conversation(request, data.get("from", "")[:12])
    zone = _zone(request)
    ctx: dict[str, Any] = {
        "line": ch, "line_label": directory_queries.pick(ch, "label"), "from_conv": conv,
        "topics": [(k, str(TOPIC_LABELS[k])) for k in TOPICS],
        "topic": data.get("topic", conv.topic if conv else "general"),
        "message": data.get("message", ""), "number": data.get("number", request.user.phone or ""),  # type: ignore[union-attr]
        "slot": data.get("slot", ""), "zone": str(zone),
    }
    if request.method == "POST":
        try:
            ratelimit.hit(BOOK_LIMIT, ratelimit.client_key(request))
            services.book(request.user, line_id=ch.pk, slot=ctx["slot"], number=ctx["number"],  # type: ignore[arg-type]
                               topic=ctx["topic"], message=ctx["message"] or _("Please call me back."),
                               conversation=conv)
        except DomainError as exc:
            ctx["error"] = str(exc.message)
            status = exc.status
        else:
            messages.success(request, _("Your callback is booked. We will call you from an official number."))
            return redirect("phone:callbacks")
    else:
        status = 200
    offered = services.offered(ch)
    # The quietest free slots (by the wait forecast) come first, on the line the region's phone
    # forecast is learnt from (forecast.owns; another line has no figure of its own); every
    # slot follows by day. Days and times in words in the person's zone ("Tomorrow",
    # "Tomorrow 10:00"): an option shown alone in the closed list still names its day.
    ctx["quiet"] = [(at.isoformat(), day_clock_words(at, zone), forecast.wait_words(wait))
                    for at, wait in (forecast.quietest("phone", ch.region.code,
                                                       [s.start for s in offered])
                                     if forecast.owns(ch) else [])]
    days = [list(group) for _day, group in
            groupby(offered, key=lambda s: s.start.astimezone(zone).date())]
    ctx["days"] = [(day_words(group[0].start, zone),
                    [(s.start.isoformat(), day_clock_words(s.start, zone), s.left) for s in group])
                   for group in days]
    return render(request, "phone/book.html", ctx, status=status)


@login_required
def callbacks(request: HttpRequest) -> HttpResponse:
    if access.agent_of(request.user) is not None:
        raise Http404
    rows = [queries.customer_dict(cb) | {"slot_local": cb.slot_start.astimezone(_zone(request)),
                                        "cancellable": cb.status == cb.Status.SCHEDULED}
            for cb in queries.of_customer(request.user)]
    return render(request, "phone/callbacks.html", {"callbacks": rows})


@login_required
@require_POST
def cancel(request: HttpRequest, callback_id: int) -> HttpResponse:
    try:
        cb = services.callback_for_customer(request.user, callback_id)
        services.cancel(request.user, cb)  # type: ignore[arg-type]
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The callback is cancelled."))
    return redirect("phone:callbacks")


@login_required
def staff(request: HttpRequest) -> HttpResponse:
    """Callbacks for staff: an agent's own and those not taken yet; a supervisor's all, by
    agent and status. Customers get 404, as on the console."""
    if access.agent_of(request.user) is None:
        raise Http404
    board = desk.page(request.user, agent=request.GET.get("agent", "")[:12],
                      status=request.GET.get("status", "open")[:12])
    return render(request, "phone/staff.html", {"board": board})
