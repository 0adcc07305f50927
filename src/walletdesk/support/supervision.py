"""What the supervisor view reads: the live queue per queue (skill) and language, each
agent's state and load, and the recent conversations, with words for every code."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Min

from walletdesk.core import clock

from . import labels
from .models import Agent, Conversation
from .services import is_on_duty, routing, waits


def queue_rows() -> list[dict[str, Any]]:
    """One row per queue and language that has someone waiting or an agent who could serve it."""
    now = clock.now()
    waiting = {(r["skill"], r["language"]): r for r in
               Conversation.objects.filter(status=Conversation.Status.QUEUED, after_hours=False)
               .values("skill", "language").annotate(n=Count("pk"), oldest=Min("queued_at"))}
    on_duty = list(waits.on_duty().only("skills", "languages"))
    rows = []
    for skill in labels.SKILLS:
        estimate = waits.estimator(skill)
        free = waits.free_slots(skill)
        for lang in labels.LANGUAGES:
            w = waiting.get((skill, lang))
            agents = sum(1 for a in on_duty
                         if skill in (a.skills or []) and routing.speaks(a, lang))
            if not w and not agents:
                continue
            n = w["n"] if w else 0
            oldest = w["oldest"] if w else None
            # A callback queued for its slot has a queued time ahead: it has not waited yet.
            waited = max(0, int((now - oldest).total_seconds())) if oldest else None
            rows.append({"skill": labels.skill(skill), "language": labels.language(lang), "waiting": n,
                         "oldest": labels.duration(waited),
                         "agents": agents, "free": free, "estimate": labels.duration(estimate(n + 1)),
                         "short": agents == 0 and n > 0})
    return rows


def left_after_hours() -> int:
    """Chats left while the desk was closed: held out of routing (and of the live queue above)
    until it opens, but in every agent's list, so the supervisor sees them counted too."""
    return Conversation.objects.filter(status=Conversation.Status.QUEUED, after_hours=True).count()


def agent_rows() -> list[dict[str, Any]]:
    load = routing.loads()
    rows = []
    for a in Agent.objects.select_related("user").order_by("employee_id"):
        on = is_on_duty(a)
        rows.append({"agent": a, "on_duty": on, "load": load[a.pk],
                     "state": "on" if on else ("away" if a.status == Agent.Status.AWAY else "off"),
                     "state_label": labels.agent_status(a.status) if not on else None,
                     "role": a.user.get_role_display() if a.user_id else "",
                     "skills": [labels.skill(s) for s in a.skills or []],
                     "languages": [labels.language(x) for x in a.languages or []]})
    return rows


def recent_rows(limit: int = 15) -> list[dict[str, Any]]:
    return [{"conv": c, "status": labels.conversation_status(c.status), "skill": labels.skill(c.skill),
             "priority": labels.priority(c.priority)}
            for c in Conversation.objects.select_related("agent").order_by("-updated_at")[:limit]]
