"""The only writers of service-level state: policies, timers, warnings and breaches.

* A timer starts when a conversation is created (a booked callback: at its slot), with
  the targets of the policy for its priority copied in, so a later policy change does
  not move the goalposts of conversations already open.
* ``check()`` (a periodic job, every 30 s) recomputes the deadlines of open timers from
  the conversation's state and messages, then stores each warning and breach once (a
  unique constraint stands behind it) with the exact moment it happened, and pushes it
  to every console after commit.
* Waiting on the customer: after an agent's reply (status "waiting") the resolution timer
  pauses until the customer writes again; the first-response timer never pauses.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from walletdesk.core import clock
from walletdesk.core.errors import ValidationFailed
from walletdesk.support import events
from walletdesk.support.models import Conversation, Message

from . import business
from .calendars import Calendars
from .models import Event, Policy, Priority, Target, Timer

# priority → (first response, resolution) in business minutes
DEFAULTS: dict[int, tuple[int, int]] = {Priority.URGENT: (15, 240), Priority.HIGH: (30, 480),
                                        Priority.NORMAL: (60, 1440)}
WARN_PERCENT = 80
ENDED = (Conversation.Status.RESOLVED, Conversation.Status.CLOSED)
REPLIES = (Message.Kind.TEXT, Message.Kind.IMAGE)


class InvalidPolicy(ValidationFailed):
    code = "invalid_policy"
    default_message = _("Targets must be at least one minute, resolution no shorter than the first "
                        "response, and the warning between 1 and 99 %.")


def policy_for(priority: int) -> tuple[int, int, int]:
    found = Policy.objects.filter(priority__lte=priority).order_by("-priority").first() \
        or Policy.objects.order_by("priority").first()
    if found is None:
        fr, res = DEFAULTS.get(priority, DEFAULTS[Priority.NORMAL])
        return fr, res, WARN_PERCENT
    return found.first_response_minutes, found.resolution_minutes, found.warn_percent


def check_policy(policy: Policy) -> None:
    if policy.priority not in Priority.values or policy.first_response_minutes < 1 \
            or policy.resolution_minutes < policy.first_response_minutes \
            or not 1 <= policy.warn_percent <= 99:
        raise InvalidPolicy()


def save_policy(policy: Policy) -> Policy:
    check_policy(policy)
    policy.updated_at = clock.now()
    policy.save()
    return policy


def start_timer(conv: Conversation) -> Timer:
    fr, res, warn = policy_for(conv.priority)
    started = conv.queued_at if conv.callback_requested and conv.queued_at else conv.created_at
    timer = Timer.objects.create(conversation=conv, priority=conv.priority, region=conv.region,
                                 started_at=started, first_response_minutes=fr,
                                 resolution_minutes=res, warn_percent=warn)
    return timer


def start_at(conv: Conversation, at: datetime) -> None:
    """A queued conversation became a callback: its timers count from the booked slot (the
    first response is owed then, not before); deadlines are computed again."""
    Timer.objects.filter(conversation=conv, first_response_at__isnull=True).update(
        started_at=at, first_response_warn_at=None, first_response_due=None, resolution_warn_at=None,
        resolution_due=None, computed_at=None)


def pauses_of(conv: Conversation) -> list[business.Pause]:
    """Waiting on the customer: from an agent's reply until the customer's next message."""
    out: list[business.Pause] = []
    since: datetime | None = None
    rows = Message.objects.filter(conversation=conv, kind__in=REPLIES).order_by("seq") \
        .values_list("role", "sent_at")
    for role, at in rows:
        if role == Message.Role.AGENT and since is None:
            since = at
        elif role == Message.Role.CUSTOMER and since is not None:
            out.append((since, at))
            since = None
    if since is not None and conv.status == Conversation.Status.WAITING:
        out.append((since, None))
    return out


def _stopped(conv: Conversation) -> datetime | None:
    if conv.status not in ENDED:
        return None
    return conv.resolved_at or conv.closed_at or conv.updated_at


def recompute(timer: Timer, conv: Conversation, tables: Calendars,
              now: datetime) -> list[tuple[str, str, datetime]]:
    """Fresh deadlines for ``timer``; returns the (target, kind, at) that are due by ``now``."""
    table = tables(timer.region)
    if conv.priority != timer.priority:  # re-routed (triage) or escalated: that priority's targets
        timer.first_response_minutes, timer.resolution_minutes, timer.warn_percent = policy_for(conv.priority)
        timer.priority = conv.priority
        timer.first_response_due = timer.first_response_warn_at = None
    start = timer.started_at
    fr, res = timer.first_response_minutes * 60, timer.resolution_minutes * 60
    warn = timer.warn_percent / 100
    if timer.first_response_due is None:
        timer.first_response_due = business.deadline(table, start, fr)
        timer.first_response_warn_at = business.deadline(table, start, fr * warn)
    pauses = pauses_of(conv)
    timer.resolution_due = business.deadline(table, start, res, pauses)
    timer.resolution_warn_at = business.deadline(table, start, res * warn, pauses)
    timer.paused = bool(pauses) and pauses[-1][1] is None
    timer.paused_seconds = sum(business.elapsed(table, s, e or now) for s, e in pauses)
    timer.first_response_at = conv.first_response_at
    timer.stopped_at = _stopped(conv)
    due: list[tuple[str, str, datetime]] = []
    for target, warn_at, deadline, done in (
            (Target.FIRST_RESPONSE, timer.first_response_warn_at, timer.first_response_due,
             timer.first_response_at or timer.stopped_at),
            (Target.RESOLUTION, timer.resolution_warn_at, timer.resolution_due, timer.stopped_at)):
        for kind, moment in ((Event.Kind.WARNING, warn_at), (Event.Kind.BREACH, deadline)):
            if moment is not None and moment <= now and (done is None or done > moment):
                due.append((str(target), str(kind), moment))
    timer.state = _state(timer, due)
    timer.computed_at = now
    return due


def _state(timer: Timer, due: list[tuple[str, str, datetime]]) -> str:
    kinds = {k for _t, k, _a in due} | set(timer.events.values_list("kind", flat=True))
    if Event.Kind.BREACH in kinds:
        return Timer.State.BREACHED
    if timer.stopped_at is not None:
        return Timer.State.MET
    if Event.Kind.WARNING in kinds:
        return Timer.State.WARNING
    return Timer.State.OK


def event_frame(event: Event, conv: Conversation) -> dict[str, Any]:
    return {"type": "sla", "conversation_id": conv.pk, "reference": conv.reference,
            "target": event.target, "kind": event.kind, "at": event.at.isoformat()}


def _raise(timer: Timer, conv: Conversation, target: str, kind: str, at: datetime) -> Event | None:
    try:
        with transaction.atomic():
            event = Event.objects.create(timer=timer, conversation=conv, target=target, kind=kind, at=at,
                                         raised_at=clock.now())
    except IntegrityError:
        return None  # raised already (by an earlier pass or another worker)
    frame = event_frame(event, conv)
    events.publish(events.AGENTS, frame)
    events.publish(events.staff_group(conv.pk), frame)
    return event


def _unchanged(timer: Timer, conv: Conversation, now: datetime) -> bool:
    """Nothing to do: the conversation has not changed since the last computation (every
    message, status change and first response moves its ``updated_at``) and none of the
    computed moments fell due since then."""
    if timer.computed_at is None or conv.updated_at >= timer.computed_at or conv.priority != timer.priority:
        return False
    moments = (timer.first_response_warn_at, timer.first_response_due, timer.resolution_warn_at,
               timer.resolution_due)
    return not any(m is not None and timer.computed_at < m <= now for m in moments)


def check(now: datetime | None = None) -> list[Event]:
    """Recompute the running timers that may have moved; store and push the warnings and
    breaches that are due."""
    now = now or clock.now()
    tables = Calendars()
    raised: list[Event] = []
    running = Timer.objects.filter(stopped_at__isnull=True).select_related("conversation")
    for timer in running:
        conv = timer.conversation
        if _unchanged(timer, conv, now):
            continue
        with transaction.atomic():
            due = recompute(timer, conv, tables, now)
            for target, kind, at in due:
                event = _raise(timer, conv, target, kind, at)
                if event is not None:
                    raised.append(event)
            timer.state = _state(timer, [])
            timer.save()
    return raised


def open_timers(conversation_ids: list[int]) -> list[Timer]:
    return list(Timer.objects.filter(conversation_id__in=conversation_ids).select_related("conversation"))


def timer_dict(timer: Timer) -> dict[str, Any]:
    def iso(v: datetime | None) -> str | None:
        return v.isoformat() if v else None

    return {"conversation_id": timer.conversation_id, "reference": timer.conversation.reference,
            "state": timer.state, "priority": timer.priority, "started_at": iso(timer.started_at),
            "first_response_at": iso(timer.first_response_at),
            "first_response_warn_at": iso(timer.first_response_warn_at),
            "first_response_due": iso(timer.first_response_due),
            "resolution_warn_at": iso(timer.resolution_warn_at),
            "resolution_due": iso(timer.resolution_due), "paused": timer.paused,
            "stopped_at": iso(timer.stopped_at)}


def recent_events(limit: int = 50) -> list[Event]:
    return list(Event.objects.select_related("conversation").order_by("-at", "-pk")[:limit])
