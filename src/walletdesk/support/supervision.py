"""What the supervisor view reads: who waits now (only the queues and languages where someone
waits, the longest first, with a total), each queue's cover (agents on duty, free chat places,
the wait a newcomer would be told, the languages nobody on duty serves), each agent's state
and load, and the recent conversations; words for every code, and every time in words in the
viewer's zone ("5 min ago", "14:30", "Dec 5, 14:30") with the exact time beside it."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Count, Min, Q
from django.db.models.fields.json import KT
from django.utils import timezone
from django.utils.translation import pgettext, pgettext_lazy

from walletdesk.core import clock
from walletdesk.core.timewords import ago_words

from . import labels
from .masking import mask_contact
from .models import PRIORITY_HIGH, PRIORITY_URGENT, Agent, Conversation, QueueStat
from .services import is_on_duty, routing, waits

DAY = 86400


@dataclass(frozen=True)
class Moment:
    """A moment for people: ``text`` in words, ``iso`` for ``<time datetime>``, ``full`` the
    exact date and time in the viewer's zone (the element's title)."""

    text: str
    iso: str
    full: str


def span(seconds: int | None) -> str:
    """A length of time as people say it: "50 s", "3 min", "2 h 15 min", "1 d 3 h"."""
    if seconds is not None and seconds >= DAY:
        hours = round(seconds / 3600)
        return pgettext("a length of time", "%(d)s d %(h)s h") % {"d": hours // 24, "h": hours % 24}
    return labels.duration(seconds)


def moment(at: datetime, now: datetime | None = None) -> Moment:
    """``at`` in words in the active zone (``core.timewords.ago_words``): "just now",
    "5 min ago", "14:30" today, "Yesterday 09:05", "Dec 5, 14:30" (12月5日 14:30 in Chinese)."""
    local = timezone.localtime(at)
    return Moment(ago_words(at, now=now), local.isoformat(), f"{local:%Y-%m-%d %H:%M:%S}")


@dataclass
class Desk:
    """One read of the live queue (who waits, per queue and language: how many and since when),
    the agents on duty (each with ``live``, their chats in progress) and the queues' average
    waits: the queue rows and the cover of every queue come from it."""

    on_duty: list[Agent]
    averages: dict[str, float] = field(default_factory=dict)
    waiting: list[dict[str, Any]] = field(default_factory=list)

    def waiting_in(self, skill: str) -> int:
        return sum(w["n"] for w in self.waiting if w["skill"] == skill)

    def agents_for(self, skill: str, language: str | None = None) -> list[Agent]:
        return [a for a in self.on_duty if skill in (a.skills or [])
                and (language is None or routing.speaks(a, language))]

    def free(self, skill: str) -> int:
        return sum(max(0, a.max_concurrent_chats - getattr(a, "live", 0)) for a in self.agents_for(skill))

    def estimate(self, skill: str, position: int) -> int | None:
        """What a customer at ``position`` of the queue is told (services.waits' formula)."""
        return waits.compute(self.averages.get(skill, waits.DEFAULT_WAIT), position,
                             self.free(skill), len(self.agents_for(skill)))


def read_desk() -> Desk:
    on_duty = list(waits.on_duty().annotate(
        live=Count("conversations", filter=Q(conversations__status__in=waits.LIVE)))
        .only("skills", "languages", "max_concurrent_chats"))
    averages = dict(QueueStat.objects.filter(samples__gt=0).values_list("skill", "ewma_seconds"))
    waiting = list(Conversation.objects.filter(status=Conversation.Status.QUEUED, after_hours=False)
                   .values("skill", "language").annotate(n=Count("pk"), oldest=Min("queued_at"))
                   .order_by())
    return Desk(on_duty, averages, waiting)


def queue_rows(desk: Desk | None = None) -> list[dict[str, Any]]:
    """One row per queue and language where someone waits now, the longest wait first. Chats
    left after hours and booked callbacks are held out of the queue (``held``)."""
    desk = desk or read_desk()
    now = clock.now()
    order = list(labels.SKILLS)
    rows = []
    for w in desk.waiting:
        skill, lang, n = w["skill"], w["language"], w["n"]
        agents = len(desk.agents_for(skill, lang))
        # A callback queued for its slot has a queued time ahead: it has not waited yet.
        waited = max(0, int((now - w["oldest"]).total_seconds())) if w["oldest"] else 0
        rows.append({"skill": labels.skill(skill), "language": labels.language(lang), "waiting": n,
                     "waited": waited, "oldest": span(waited), "agents": agents,
                     "free": desk.free(skill),
                     "estimate": span(desk.estimate(skill, desk.waiting_in(skill) + 1)),
                     "short": agents == 0,
                     "order": (-waited, order.index(skill) if skill in order else len(order), lang)})
    rows.sort(key=lambda r: r["order"])
    return rows


def queue_total(rows: list[dict[str, Any]]) -> dict[str, Any]:
    longest = max((r["waited"] for r in rows), default=None)
    return {"waiting": sum(r["waiting"] for r in rows), "longest": span(longest) if rows else "—",
            "short": sum(r["waiting"] for r in rows if r["short"])}


def cover_rows(desk: Desk | None = None) -> list[dict[str, Any]]:
    """Each queue's cover now: agents on duty for it, free chat places, the wait a newcomer would
    be told, and the languages no agent on duty for it can serve (as routing decides: a
    Traditional Chinese chat may go to a Simplified Chinese speaker, a Cantonese one may not)."""
    desk = desk or read_desk()
    rows = []
    for skill in labels.SKILLS:
        agents = desk.agents_for(skill)
        uncovered = [labels.language(lang) for lang in labels.LANGUAGES
                     if not any(routing.speaks(a, lang) for a in agents)]
        rows.append({"skill": labels.skill(skill), "agents": len(agents), "free": desk.free(skill),
                     "estimate": span(desk.estimate(skill, desk.waiting_in(skill) + 1)),
                     "uncovered": uncovered, "none": not agents})
    return rows


def held() -> dict[str, int]:
    """Held out of routing (and of the live queue above): chats left while the desk was closed
    (``after_hours``), in every agent's list, so the supervisor sees them counted too, until it
    opens; booked callbacks (``callbacks``) until their slot."""
    return Conversation.objects.filter(status=Conversation.Status.QUEUED, after_hours=True).aggregate(
        after_hours=Count("pk", filter=Q(callback_requested=False)),
        callbacks=Count("pk", filter=Q(callback_requested=True)))


# Each agent's state on the page: its word and the order of the table (on duty first).
STATES: dict[str, tuple[int, Any]] = {
    "on": (0, pgettext_lazy("agent state", "On duty")),
    "full": (0, pgettext_lazy("agent state", "Full")),
    "away": (1, pgettext_lazy("agent state", "Away")),
    "lost": (2, pgettext_lazy("agent state", "Not connected")),
    "off": (3, pgettext_lazy("agent state", "Offline"))}


def _state(a: Agent, load: int, now: datetime) -> str:
    if is_on_duty(a, now):
        return "full" if load >= a.max_concurrent_chats else "on"
    if a.status == Agent.Status.AWAY:
        return "away"
    # Online without a heartbeat for two minutes: the console is closed or lost its connection.
    return "lost" if a.status == Agent.Status.ONLINE and a.last_heartbeat_at else "off"


def agent_rows() -> list[dict[str, Any]]:
    """Every active agent, on duty first (then away, not connected, offline), each with the
    state in words, the chats in progress against their limit and when they were last seen."""
    load, now = routing.loads(), clock.now()
    rows: list[dict[str, Any]] = []
    for a in Agent.objects.filter(Q(user__is_active=True) | Q(pk__in=list(load))).select_related("user"):
        state = _state(a, load[a.pk], now)
        rank, word = STATES[state]
        rows.append({"agent": a, "on_duty": state in ("on", "full"), "load": load[a.pk],
                     "state": state, "state_label": str(word),
                     "role": a.user.get_role_display() if a.user_id else "",
                     "skills": [labels.skill(s) for s in a.skills or []],
                     "languages": [labels.language(x) for x in a.languages or []],
                     "seen": moment(a.last_heartbeat_at, now) if a.last_heartbeat_at else None,
                     "order": (rank, a.employee_id)})
    rows.sort(key=lambda r: r["order"])
    return rows


def agent_counts(agents: list[dict[str, Any]]) -> dict[str, int]:
    states = Counter(r["state"] for r in agents)
    return {"on_duty": states["on"] + states["full"], "full": states["full"], "away": states["away"],
            "off": states["off"] + states["lost"]}


def customer_of(conv: Conversation) -> str:
    """The customer's name as the conversation's context has it; a guest's contact masked."""
    name = getattr(conv, "customer_name", None)
    if name:
        return str(name)
    return mask_contact(conv.guest_contact)


def status_of(conv: Conversation) -> str:
    """The status in words; a held conversation says what it waits for."""
    if conv.status == Conversation.Status.QUEUED and conv.after_hours:
        return str(pgettext("conversation status", "Booked callback") if conv.callback_requested
                   else pgettext("conversation status", "Left after hours"))
    return labels.conversation_status(conv.status)


def priority_class(value: int) -> str:
    """The console's class for a priority badge: only urgent and high ones stand out."""
    return "p-urgent" if value >= PRIORITY_URGENT else "p-high" if value >= PRIORITY_HIGH else ""


def recent_rows(limit: int = 15) -> list[dict[str, Any]]:
    """The conversations that moved last: when, which (a link into the console), the customer,
    the state, queue and priority in words, the agent, the rating."""
    now = clock.now()
    convs = (Conversation.objects.select_related("agent").defer("context", "description")
             .annotate(customer_name=KT("context__customer__name")).order_by("-updated_at", "-pk")[:limit])
    return [{"conv": c, "when": moment(c.updated_at, now), "customer": customer_of(c),
             "guest": c.customer_id is None, "channel": c.get_channel_display(),
             "status": status_of(c), "skill": labels.skill(c.skill),
             "priority": labels.priority(c.priority), "priority_class": priority_class(c.priority),
             "low_rating": c.rating is not None and c.rating <= 2}
            for c in convs]


def page() -> dict[str, Any]:
    """Everything the supervisor view shows, for its template."""
    desk = read_desk()
    queues = queue_rows(desk)
    agents = agent_rows()
    counts = agent_counts(agents)
    on_duty = [a for a in agents if a["on_duty"]]
    load_on_duty = sum(a["load"] for a in on_duty)
    capacity = sum(a["agent"].max_concurrent_chats for a in on_duty)
    totals = {**queue_total(queues), **held(),
              **counts, "load": load_on_duty, "capacity": capacity, "room": max(0, capacity - load_on_duty),
              # chats in progress whose agent is away or offline: nobody answers them now
              "stranded": sum(a["load"] for a in agents if not a["on_duty"])}
    return {"agents": agents, "queues": queues, "cover": cover_rows(desk) if desk.on_duty else [],
            "recent": recent_rows(), "totals": totals,
            "as_of": f"{timezone.localtime(clock.now()):%H:%M:%S}"}
