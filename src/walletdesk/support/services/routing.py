"""Queue and routing: who gets which conversation.

* Order of the queue: priority first (locked account, suspected fraud, missing
  money are urgent), then the time it was queued.
* Suitable agent: on duty (online with a fresh heartbeat), has the queue's
  skill, speaks the conversation's language (``SERVED_BY``: Traditional Chinese
  is served by Traditional, Cantonese, then Simplified Chinese agents, in that
  order of preference), has a free slot.
* Of the suitable agents the least loaded gets the *offer*: load is
  (live chats + open offers) / max_concurrent_chats, ties by fewer chats, then
  employee ID. Any suitable agent may accept a queued conversation; the offer
  only says whose turn it is.
* An agent who goes away, goes offline, or whose heartbeat expires gives
  back their conversations: they go to the front of the queue (their original
  queued time is kept).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.db import transaction
from django.db.models import Count, Q

from walletdesk.core import clock
from walletdesk.core.services import jobs

from .. import events
from .. import services as agent_services
from ..models import Agent, Conversation, Message
from . import waits

LIVE = waits.LIVE


# Who may serve a conversation in each language, best first. The conversation keeps the
# customer's own language (what they are written to in); routing matches agents by what they
# can write. Traditional Chinese (Hong Kong, Macau, Taiwan): an agent who lists Traditional,
# then a Cantonese agent (Hong Kong desks write Traditional), then any agent who writes
# Chinese: in a chat written Chinese is one language, and Hong Kong and Taiwan desks pool
# their Mandarin staff behind the local ones rather than leave a customer waiting.
SERVED_BY: dict[str, tuple[str, ...]] = {"zh-hant": ("zh-hant", "yue", "zh-hans")}


def serving(language: str) -> tuple[str, ...]:
    """The agent languages that can serve a conversation in ``language``, best first."""
    return SERVED_BY.get(language, (language,))


def preference(agent: Agent, language: str) -> int | None:
    """How well the agent fits the language: 0 best; None when they cannot serve it."""
    spoken = agent.languages or []
    return next((i for i, lang in enumerate(serving(language)) if lang in spoken), None)


def speaks(agent: Agent, language: str) -> bool:
    return preference(agent, language) is not None


def suitable(agent: Agent, conv: Conversation) -> bool:
    return conv.skill in (agent.skills or []) and speaks(agent, conv.language)


def loads() -> Counter[int]:
    out: Counter[int] = Counter()
    for row in (Conversation.objects.filter(Q(status__in=LIVE, agent__isnull=False))
                .values("agent_id").annotate(n=Count("pk"))):
        out[row["agent_id"]] += row["n"]
    return out


def pick_agent(conv: Conversation, agents: list[Agent], load: Counter[int]) -> Agent | None:
    free = [a for a in agents if suitable(a, conv) and load[a.pk] < a.max_concurrent_chats]
    if not free:
        return None
    # The best-fitting language first (a free Cantonese agent before a Mandarin one for a
    # Traditional Chinese customer), then the least loaded.
    return min(free, key=lambda a: (preference(a, conv.language) or 0,
                                    load[a.pk] / max(1, a.max_concurrent_chats), load[a.pk],
                                    a.employee_id))


def dispatch() -> list[tuple[int, int]]:
    """(Re)offer every queued conversation to the least-loaded suitable agent."""
    agents = list(waits.on_duty())
    load = loads()
    offers: list[tuple[int, int]] = []
    queued = (Conversation.objects.filter(status=Conversation.Status.QUEUED, after_hours=False)
              .order_by("-priority", "queued_at", "pk"))
    for conv in queued:
        agent = pick_agent(conv, agents, load)
        new = agent.pk if agent else None
        if agent is not None:
            load[agent.pk] += 1  # an open offer counts as load
        if new != conv.offered_to_id:
            Conversation.objects.filter(pk=conv.pk, status=Conversation.Status.QUEUED).update(
                offered_to_id=new)
            if agent is not None:
                offers.append((conv.pk, agent.pk))
                events.publish(events.agent_group(agent.pk), offer_frame(conv))
    return offers


def offer_frame(conv: Conversation) -> dict[str, Any]:
    return {"type": "offer", "conversation_id": conv.pk, "reference": conv.reference,
            "topic": conv.topic, "skill": conv.skill, "language": conv.language,
            "priority": conv.priority}


def after_queue_change(skills: set[str]) -> None:
    """After commit: tell consoles that the queue changed and every waiting customer their place."""
    skills = {s for s in skills if s}

    def send() -> None:
        events.send_now(events.AGENTS, {"type": "queue_changed"})
        for skill in skills:
            ids = waits.queued(skill)
            if not ids:
                continue
            est = waits.estimator(skill)
            for pos, conv_id in enumerate(ids, start=1):
                events.send_now(events.conv_group(conv_id), {
                    "type": "queue", "conversation_id": conv_id, "position": pos,
                    "estimated_wait_seconds": est(pos)})

    transaction.on_commit(send)


def _event(conv: Conversation, event: str, text: str) -> None:
    from .chat import add_event

    add_event(conv, event, text)


def requeue_agent(agent: Agent, reason: str) -> int:
    """Give the agent's live conversations back to the queue (front: original queued time)."""
    moved = 0
    skills: set[str] = set()
    with transaction.atomic():
        for conv in Conversation.objects.filter(agent=agent, status__in=LIVE):
            if Conversation.objects.filter(pk=conv.pk, agent=agent, status__in=LIVE).update(
                    status=Conversation.Status.QUEUED, agent=None, offered_to=None,
                    updated_at=clock.now()):
                conv.status = Conversation.Status.QUEUED
                _event(conv, "requeued", reason)
                events.publish(events.staff_group(conv.pk), {"type": "requeued",
                                                             "conversation_id": conv.pk})
                skills.add(conv.skill)
                moved += 1
        Conversation.objects.filter(offered_to=agent, status=Conversation.Status.QUEUED).update(
            offered_to=None)
        dispatch()
        after_queue_change(skills)
    return moved


def set_status(agent: Agent, status: str) -> Agent:
    """Online / away / offline from the console. Away or offline gives the chats back."""
    with transaction.atomic():
        agent_services.heartbeat(agent, status)
        if status != Agent.Status.ONLINE:
            requeue_agent(agent, status)
        else:
            dispatch()
            after_queue_change(set(agent.skills or []))
    return agent


def beat(agent: Agent) -> None:
    """A console heartbeat: keeps the agent on duty (and may wake the queue for them)."""
    was_on_duty = agent_services.is_on_duty(agent)
    agent_services.heartbeat(agent, agent.status if agent.status != Agent.Status.OFFLINE
                             else Agent.Status.ONLINE)
    if not was_on_duty and agent.status == Agent.Status.ONLINE:
        with transaction.atomic():
            dispatch()


def disconnected(agent: Agent, grace_seconds: float = 20) -> None:
    """The console's socket closed: unless a heartbeat comes within the grace, the agent expires."""
    ttl = agent_services.HEARTBEAT_TTL.total_seconds()
    from datetime import timedelta

    Agent.objects.filter(pk=agent.pk, status=Agent.Status.ONLINE).update(
        last_heartbeat_at=clock.now() - timedelta(seconds=max(0.0, ttl - grace_seconds)))


@jobs.periodic("support.expire_agents", seconds=10)
def expire_agents() -> int:
    """Agents whose heartbeat ran out go offline; their chats go back to the queue."""
    stale = Agent.objects.filter(status__in=[Agent.Status.ONLINE, Agent.Status.AWAY]).filter(
        Q(last_heartbeat_at__isnull=True)
        | Q(last_heartbeat_at__lt=clock.now() - agent_services.HEARTBEAT_TTL))
    count = 0
    for agent in stale:
        with transaction.atomic():
            if Agent.objects.filter(pk=agent.pk, last_heartbeat_at=agent.last_heartbeat_at).update(
                    status=Agent.Status.OFFLINE):
                requeue_agent(agent, "heartbeat_expired")
                count += 1
    return count


__all__ = ["Message", "dispatch", "expire_agents", "pick_agent", "requeue_agent", "set_status"]
