"""The staff callbacks page (``/phone/staff/``): which callbacks, grouped by when they are due,
each in words. Read-only: the calls themselves are made from the console's phone panel.

Scope is the console's (``support.queries.visible_to``): an agent sees the callbacks of the
conversations assigned to them and of those not taken yet (held or queued, which their
console queue lists too); a supervisor sees all. Times are in the desk's zone
(``settings.DESK_TIME_ZONE``). Numbers are masked: the list shows many customers at once and
the call is placed by the telephony provider, so nobody needs to read a number off it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import phonenumbers
from django.conf import settings
from django.db.models import OuterRef, QuerySet, Subquery
from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from walletdesk.core import clock
from walletdesk.core.timewords import clock_words, day_words
from walletdesk.support import access
from walletdesk.support.labels import duration
from walletdesk.support.models import Agent, Message
from walletdesk.support.queries import visible_to
from walletdesk.support.services.conversations import TOPIC_LABELS

from . import conf, services
from .models import Call, Callback

OPEN = (Callback.Status.SCHEDULED, Callback.Status.CALLING)
CLOSED_DAYS = 14  # finished callbacks stay on the page this long (by their slot)
LIMIT = 300
NOT_TAKEN = "none"
STATUS_FILTERS = ("open", "overdue", "scheduled", "calling", "done", "failed", "cancelled", "all")


def desk_zone() -> ZoneInfo:
    return ZoneInfo(settings.DESK_TIME_ZONE)


def masked_number(e164: str) -> str:
    """"+86 ••• •••• 8000": the country code and the last four digits, in the number's own
    grouping, so an agent can tell numbers apart and match what the customer says."""
    try:
        pretty = phonenumbers.format_number(phonenumbers.parse(e164, None),
                                            phonenumbers.PhoneNumberFormat.INTERNATIONAL)
        code, _sep, rest = pretty.partition(" ")
    except phonenumbers.NumberParseException:
        code, rest = "", e164
    keep = 4
    digits = sum(ch.isdigit() for ch in rest)
    out, seen = [], 0
    for ch in rest:
        if ch.isdigit():
            seen += 1
            out.append(ch if seen > digits - keep else "•")
        else:
            out.append(ch)
    return f"{code} {''.join(out)}".strip() if digits > keep else "••••"


def customer_name(user: Any) -> str:
    """The customer's name; never the phone number the user model falls back to."""
    if user is None:
        return _("Guest")
    if user.display_name:
        return str(user.display_name)
    if user.email:
        local, _sep, domain = user.email.partition("@")
        return f"{local[:1]}•••@{domain}"
    return _("Customer without a name")


@dataclass
class Row:
    cb: Callback
    day: str           # "" when today
    time: str          # "14:30" in the desk's zone
    when: str          # "overdue by 25 min", "in 40 min", "now"
    status: str        # the status in words
    detail: str        # attempts and the last call's outcome, in words
    tone: str          # badge class
    customer: str
    number: str
    topic: str
    reason: str
    owner: str
    owner_id: str      # the agent's employee ID, "" when not taken
    console_url: str
    overdue: bool = False


@dataclass
class Group:
    key: str
    title: str
    rows: list[Row] = field(default_factory=list)


@dataclass
class Page:
    groups: list[Group]
    counts: dict[str, int]
    agents: list[tuple[str, str]]
    statuses: list[tuple[str, str]]
    agent: str
    status: str
    supervisor: bool
    truncated: bool
    zone: str
    now: datetime
    as_of: str         # "14:02" in the desk's zone


def _status_choices() -> list[tuple[str, str]]:
    return [("open", _("Still to call")), ("overdue", _("Overdue")),
            ("scheduled", str(Callback.Status.SCHEDULED.label)),
            ("calling", str(Callback.Status.CALLING.label)),
            ("done", str(Callback.Status.DONE.label)),
            ("failed", str(Callback.Status.FAILED.label)),
            ("cancelled", str(Callback.Status.CANCELLED.label)),
            ("all", _("All (finished ones: the last %(days)s days)") % {"days": CLOSED_DAYS})]


def _agent_choices(me: Agent, supervisor: bool) -> list[tuple[str, str]]:
    if not supervisor:
        return [("", _("Mine and not taken yet")), (str(me.pk), _("Only mine")),
                (NOT_TAKEN, _("Not taken yet"))]
    rows = [("", _("All agents")), (NOT_TAKEN, _("Not taken yet"))]
    rows += [(str(a.pk), f"{a.shown_name} · {a.employee_id}")
             for a in Agent.objects.order_by("employee_id")]
    return rows


def _filtered(user: Any, agent: str, status: str, now: datetime,
              supervisor: bool) -> QuerySet[Callback]:
    qs = Callback.objects.all() if supervisor else Callback.objects.filter(
        conversation__in=visible_to(user).values("pk"))
    if agent == NOT_TAKEN:
        qs = qs.filter(conversation__agent__isnull=True)
    elif agent:
        qs = qs.filter(conversation__agent_id=int(agent))
    since = now - timedelta(days=CLOSED_DAYS)
    slot_end = timedelta(minutes=conf.get().slot_minutes)
    if status == "open":
        qs = qs.filter(status__in=OPEN)
    elif status == "overdue":
        qs = qs.filter(status=Callback.Status.SCHEDULED, slot_start__lt=now - slot_end)
    elif status in (Callback.Status.SCHEDULED, Callback.Status.CALLING):
        qs = qs.filter(status=status)
    elif status == "all":
        qs = qs.exclude(status__in=[s for s in Callback.Status.values if s not in OPEN],
                        slot_start__lt=since)
    else:
        qs = qs.filter(status=status, slot_start__gte=since)
    first_words = (Message.objects.filter(conversation=OuterRef("conversation"),
                                          role=Message.Role.CUSTOMER, kind=Message.Kind.TEXT)
                   .order_by("seq").values("text")[:1])
    last_call = Call.objects.filter(callback=OuterRef("pk"), logged_at__isnull=False).order_by(
        "-started_at", "-pk")
    return (qs.select_related("conversation", "conversation__agent", "customer")
            .annotate(first_words=Subquery(first_words),
                      last_outcome=Subquery(last_call.values("outcome")[:1])))


def _tone(cb: Callback, overdue: bool) -> str:
    if overdue:
        return "status-failed"
    return {Callback.Status.CALLING: "status-pending", Callback.Status.DONE: "status-completed",
            Callback.Status.FAILED: "status-failed",
            Callback.Status.CANCELLED: "status-expired"}.get(Callback.Status(cb.status), "")


def _detail(cb: Callback) -> str:
    parts = []
    outcome = getattr(cb, "last_outcome", None)
    if outcome:
        parts.append(_("last call: %(outcome)s") % {"outcome": Call.Outcome(outcome).label})
    if cb.attempts:
        parts.append(ngettext("%(n)s attempt", "%(n)s attempts", cb.attempts) % {"n": cb.attempts})
    return " · ".join(parts)


def _row(cb: Callback, me: Agent, now: datetime, zone: ZoneInfo, today: Any,
         slot_end: timedelta) -> Row:
    local = cb.slot_start.astimezone(zone)
    is_open = cb.status in OPEN
    overdue = cb.status == Callback.Status.SCHEDULED and now >= cb.slot_start + slot_end
    if cb.status == Callback.Status.CALLING:
        when = _("on a call now")
    elif not is_open:
        when = ""
    elif overdue:
        when = _("overdue by %(time)s") % {"time": duration(int((now - cb.slot_start).total_seconds()))}
    elif now >= cb.slot_start:
        when = _("due now")
    elif local.date() == today:
        when = _("in %(time)s") % {"time": duration(int((cb.slot_start - now).total_seconds()))}
    else:
        when = ""  # another day: its date says enough
    status = _("Overdue") if overdue else str(cb.get_status_display())
    if cb.status == Callback.Status.SCHEDULED and cb.attempts and not overdue:
        status = _("To call again")
    conv = cb.conversation
    owner_agent = conv.agent
    if owner_agent is None:
        owner, owner_id = _("Not taken yet"), ""
    else:
        owner = (_("You") if owner_agent.pk == me.pk else owner_agent.shown_name)
        owner_id = owner_agent.employee_id
    reason = Truncator(" ".join((getattr(cb, "first_words", None) or "").split())).chars(120)
    return Row(cb=cb, day="" if local.date() == today else day_words(local, zone, now),
               time=clock_words(local, zone), when=when, status=status, detail=_detail(cb),
               tone=_tone(cb, overdue), customer=customer_name(cb.customer),
               number=masked_number(cb.number),
               topic=str(TOPIC_LABELS.get(conv.topic, TOPIC_LABELS["general"])), reason=reason,
               owner=owner, owner_id=owner_id,
               console_url=f"{reverse('support:console')}?c={conv.pk}", overdue=overdue)


def page(user: Any, *, agent: str = "", status: str = "open", now: datetime | None = None) -> Page:
    """What the page shows for this staff member; unknown filter values fall back to the
    defaults (an agent cannot ask for a colleague's callbacks)."""
    me = access.agent_of(user)
    if me is None:
        raise access.NotAllowed()
    supervisor = access.is_supervisor(user)
    now = now or clock.now()
    zone = desk_zone()
    today = now.astimezone(zone).date()
    agents = _agent_choices(me, supervisor)
    agent = agent if agent in {k for k, _v in agents} else ""
    statuses = _status_choices()
    status = status if status in STATUS_FILTERS else "open"
    slot_end = timedelta(minutes=conf.get().slot_minutes)
    found = list(_filtered(user, agent, status, now, supervisor).order_by("slot_start", "pk")[:LIMIT + 1])
    truncated = len(found) > LIMIT
    groups = {
        "due": Group("due", _("Due now and overdue")),
        "today": Group("today", _("Later today")),
        "later": Group("later", _("Upcoming days")),
        "closed": Group("closed", _("Finished")),
    }
    for cb in found[:LIMIT]:
        row = _row(cb, me, now, zone, today, slot_end)
        if cb.status not in OPEN:
            groups["closed"].rows.append(row)
        elif now >= cb.slot_start - services.EARLY_START or cb.status == Callback.Status.CALLING:
            groups["due"].rows.append(row)
        elif cb.slot_start.astimezone(zone).date() == today:
            groups["today"].rows.append(row)
        else:
            groups["later"].rows.append(row)
    groups["closed"].rows.reverse()  # the latest first
    counts = {k: len(g.rows) for k, g in groups.items()}
    counts["overdue"] = sum(r.overdue for r in groups["due"].rows)
    return Page(groups=[g for g in groups.values() if g.rows], counts=counts, agents=agents,
                statuses=statuses, agent=agent, status=status, supervisor=supervisor,
                truncated=truncated, zone=str(zone), now=now,
                as_of=now.astimezone(zone).strftime("%H:%M"))
