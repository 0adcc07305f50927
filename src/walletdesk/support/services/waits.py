"""Queue positions and wait estimates (ADR 0050).

Per queue (agent skill) we keep an exponentially weighted moving average of
the waits of recent conversations, from queued to accepted:
``ewma ← α·wait + (1−α)·ewma`` with α = 0.3 (the last ~5 waits carry most of
the weight; the first sample initialises it). One sample's pull is bounded: the
first counts as at most ``FIRST_CEILING`` (30 min); after that a sample counts as
at most ``OUTLIER_FACTOR`` (3) times the current average, and never less than
``CAP_FLOOR`` (60 s), so one chat left waiting for hours moves a 2-minute average
to 3.2 minutes, not to 37, while a sustained rise is still followed (each sample
may lift the average by up to 60 %). A customer at position ``p`` is
told ``ewma · p / max(1, free)`` where ``free`` is the number of free chat
slots of on-duty agents with that skill, rounded up to 10 seconds; with no
sample yet the EWMA starts at ``DEFAULT_WAIT``; with nobody on duty or outside
service hours the estimate is ``None`` (we do not invent a number).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from django.db.models import Case, Count, F, FloatField, Q, Sum, Value, When
from django.db.models.functions import Greatest, Least

from walletdesk.core import clock

from .. import services as agent_services
from ..models import Agent, Conversation, QueueStat

ALPHA = 0.3
DEFAULT_WAIT = 120.0
OUTLIER_FACTOR = 3.0  # a sample counts as at most this many times the current average ...
CAP_FLOOR = 60.0  # ... but the cap is never below this, so an average near 0 can still rise
FIRST_CEILING = 1800.0  # the first sample of a queue counts as at most 30 minutes
LIVE = (Conversation.Status.ACTIVE, Conversation.Status.WAITING)


def record_wait(skill: str, seconds: float) -> None:
    """Fold one observed wait into the queue's EWMA (one guarded UPDATE, no read-modify-write).

    The sample is clamped inside the statement, against the average the row holds at that
    moment: the first to ``FIRST_CEILING``, later ones to
    ``max(OUTLIER_FACTOR · ewma, CAP_FLOOR)``. ``samples`` counts every sample, clamped or not.
    """
    seconds = max(0.0, float(seconds))
    cap = Greatest(F("ewma_seconds") * OUTLIER_FACTOR, Value(CAP_FLOOR), output_field=FloatField())
    counted = Least(Value(seconds), cap, output_field=FloatField())
    QueueStat.objects.get_or_create(skill=skill)
    QueueStat.objects.filter(skill=skill).update(
        ewma_seconds=Case(When(samples=0, then=Value(min(seconds, FIRST_CEILING))),
                          default=F("ewma_seconds") * (1 - ALPHA) + counted * ALPHA,
                          output_field=FloatField()),
        samples=F("samples") + 1, updated_at=clock.now())


def ewma(skill: str) -> float:
    stat = QueueStat.objects.filter(skill=skill, samples__gt=0).first()
    return stat.ewma_seconds if stat else DEFAULT_WAIT


def on_duty() -> Any:
    since = clock.now() - agent_services.HEARTBEAT_TTL
    return Agent.objects.filter(status=Agent.Status.ONLINE, last_heartbeat_at__gte=since,
                                user__is_active=True)


def free_slots(skill: str | None = None) -> int:
    agents = on_duty().annotate(load=Count("conversations", filter=Q(conversations__status__in=LIVE)))
    total = 0
    for a in agents:
        if skill is None or skill in (a.skills or []):
            total += max(0, a.max_concurrent_chats - a.load)
    return total


def agents_for(skill: str) -> int:
    return sum(1 for a in on_duty().only("skills") if skill in (a.skills or []))


def compute(average: float, position: int, free: int, agents: int) -> int | None:
    """The formula alone (no database): ``average · position / max(1, free)``, up to 10 s."""
    if agents == 0:
        return None
    seconds = average * max(1, position) / max(1, free)
    return int(math.ceil(seconds / 10.0) * 10)


def estimate(skill: str, position: int, *, open_now: bool = True) -> int | None:
    if not open_now:
        return None
    return compute(ewma(skill), position, free_slots(skill), agents_for(skill))


def estimator(skill: str) -> Callable[[int], int | None]:
    """Estimates for every position of one queue from one set of queries."""
    average, free, agents = ewma(skill), free_slots(skill), agents_for(skill)
    return lambda position: compute(average, position, free, agents)


def queued(skill: str) -> list[int]:
    return list(Conversation.objects.filter(status=Conversation.Status.QUEUED, skill=skill,
                                            after_hours=False)
                .order_by("-priority", "queued_at", "pk").values_list("pk", flat=True))


def position_of(conv: Conversation) -> int | None:
    if conv.status != Conversation.Status.QUEUED:
        return None
    ids = queued(conv.skill)
    return ids.index(conv.pk) + 1 if conv.pk in ids else None


def channel_estimate(channel: Any) -> int | None:
    """The directory hook: a newcomer's wait on the in-app chat (any queue). A chat on another
    platform (a WhatsApp number) is not this desk's queue: no figure."""
    if channel.kind != "chat" or channel.platform:
        return None
    if not on_duty().exists():
        return None
    waiting = Conversation.objects.filter(status=Conversation.Status.QUEUED, after_hours=False).count()
    stats = QueueStat.objects.filter(samples__gt=0).aggregate(total=Sum("ewma_seconds"), n=Count("pk"))
    avg = (stats["total"] / stats["n"]) if stats["n"] else DEFAULT_WAIT
    seconds = avg * (waiting + 1) / max(1, free_slots())
    return int(math.ceil(seconds / 10.0) * 10)
