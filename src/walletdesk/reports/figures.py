"""The desk's figures for one filter: read-only, aggregated in SQL where SQL can.

Counts, sums, averages and maxima come from the database (``GROUP BY`` with
``COUNT``/``AVG``/``MAX``, the same ORM on SQLite and PostgreSQL). Two things
are computed in Python because SQL has no portable way to do them: business
time (each span is cut against the region's opening intervals with the same
functions and the same timetable as the service-level timers:
``servicelevels.business.elapsed`` over ``servicelevels.calendars``) and
medians/90th percentiles (SQLite has no percentile function).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Max, Min, Q, QuerySet
from django.db.models.functions import TruncDate

from walletdesk.servicelevels import business, calendars
from walletdesk.support.models import Conversation, Message

from .filters import Filters

ENDED = (Conversation.Status.RESOLVED, Conversation.Status.CLOSED)
WORK_KINDS = (Message.Kind.TEXT, Message.Kind.IMAGE)


def conversations(f: Filters) -> QuerySet[Conversation]:
    qs = Conversation.objects.filter(created_at__gte=f.start, created_at__lt=f.end)
    if f.channel:
        qs = qs.filter(channel=f.channel)
    if f.region:
        qs = qs.filter(region=f.region)
    if f.topic:
        qs = qs.filter(topic=f.topic)
    return qs


def _counts(qs: QuerySet[Conversation], field: str) -> list[dict[str, Any]]:
    rows = qs.order_by().values(field).annotate(n=Count("pk")).order_by("-n", field)
    return [{"key": r[field], "count": r["n"]} for r in rows]


def volumes(f: Filters) -> dict[str, Any]:
    qs = conversations(f)
    per_day = {r["day"]: r["n"] for r in qs.order_by()
               .annotate(day=TruncDate("created_at", tzinfo=ZoneInfo(f.time_zone)))
               .values("day").annotate(n=Count("pk"))}
    return {
        "total": qs.count(),
        "by_channel": _counts(qs, "channel"),
        "by_region": _counts(qs, "region"),
        "by_topic": _counts(qs, "topic"),
        "by_day": [{"key": d.isoformat(), "count": per_day.get(d, 0)} for d in f.days],
    }


def percentile(sorted_values: list[float], p: float) -> float | None:
    """Nearest-rank percentile (p in 0..100) of an ascending list; None when empty."""
    if not sorted_values:
        return None
    rank = max(1, math.ceil(p / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


def median(sorted_values: list[float]) -> float | None:
    n = len(sorted_values)
    if n == 0:
        return None
    mid = n // 2
    return sorted_values[mid] if n % 2 else (sorted_values[mid - 1] + sorted_values[mid]) / 2


def _seconds(value: timedelta | float | None) -> float | None:
    if value is None:
        return None
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def summary(values: Iterable[float]) -> dict[str, Any]:
    ordered = sorted(values)
    n = len(ordered)
    return {"count": n, "average_seconds": _round(sum(ordered) / n) if n else None,
            "median_seconds": _round(median(ordered)), "p90_seconds": _round(percentile(ordered, 90)),
            "max_seconds": _round(ordered[-1]) if n else None}


def business_times(f: Filters) -> dict[str, Any]:
    """First response (created → first agent reply) and resolution (created → resolved), both in
    the business hours of the conversation's region (the desk's hours, as for service levels);
    wall-clock averages beside."""
    tables = calendars.Calendars()
    rows = conversations(f).order_by().values_list("region", "created_at", "first_response_at",
                                                   "resolved_at")
    first: list[float] = []
    resolved: list[float] = []
    first_wall: list[float] = []
    resolved_wall: list[float] = []
    for region, created, responded, resolved_at in rows:
        if responded is not None:
            first.append(business.elapsed(tables(region), created, responded))
            first_wall.append(max(0.0, (responded - created).total_seconds()))
        if resolved_at is not None:
            resolved.append(business.elapsed(tables(region), created, resolved_at))
            resolved_wall.append(max(0.0, (resolved_at - created).total_seconds()))
    total = len(rows)
    return {
        "first_response": {**summary(first), "unanswered": total - len(first),
                           "average_wall_seconds": _round(sum(first_wall) / len(first_wall))
                           if first_wall else None},
        "resolution": {**summary(resolved), "unresolved": total - len(resolved),
                       "average_wall_seconds": _round(sum(resolved_wall) / len(resolved_wall))
                       if resolved_wall else None},
    }


def queue_waits(f: Filters) -> dict[str, Any]:
    """queued_at → assigned_at (wall clock: a queue is waited through whether open or not)."""
    qs = (conversations(f).filter(assigned_at__isnull=False, queued_at__isnull=False,
                                  assigned_at__gte=F("queued_at")).order_by()
          .annotate(wait=ExpressionWrapper(F("assigned_at") - F("queued_at"),
                                           output_field=DurationField())))
    agg = qs.aggregate(n=Count("pk"), avg=Avg("wait"), longest=Max("wait"))
    ordered = sorted(s for s in (_seconds(w) for w in qs.values_list("wait", flat=True))
                     if s is not None)
    return {"count": agg["n"], "average_seconds": _round(_seconds(agg["avg"])),
            "median_seconds": _round(median(ordered)), "p90_seconds": _round(percentile(ordered, 90)),
            "max_seconds": _round(_seconds(agg["longest"])),
            "never_assigned": conversations(f).filter(assigned_at__isnull=True).count()}


def satisfaction(f: Filters) -> dict[str, Any]:
    qs = conversations(f).order_by()
    agg = qs.aggregate(ended=Count("pk", filter=Q(status__in=ENDED)),
                       rated=Count("pk", filter=Q(rating__isnull=False)), avg=Avg("rating"))
    dist = {r["rating"]: r["n"] for r in qs.filter(rating__isnull=False).values("rating")
            .annotate(n=Count("pk"))}
    ended, rated = agg["ended"], agg["rated"]
    return {"ended": ended, "rated": rated,
            "response_rate": round(rated / ended, 4) if ended else None,
            "average": round(float(agg["avg"]), 2) if agg["avg"] is not None else None,
            "distribution": [{"rating": r, "count": dist.get(r, 0)} for r in range(1, 6)]}


@dataclass
class _Span:
    start: datetime
    end: datetime


def _union_seconds(spans: list[_Span]) -> float:
    total = 0.0
    current: _Span | None = None
    for s in sorted(spans, key=lambda x: x.start):
        if current is None or s.start > current.end:
            if current is not None:
                total += (current.end - current.start).total_seconds()
            current = _Span(s.start, s.end)
        else:
            current.end = max(current.end, s.end)
    if current is not None:
        total += (current.end - current.start).total_seconds()
    return total


def agent_workload(f: Filters) -> list[dict[str, Any]]:
    """Per agent, for the agent's actions inside the range (in conversations that match the
    channel/region/topic filters): conversations handled, messages sent, active time (from the
    agent's first to last action in each conversation, overlapping conversations counted once)."""
    msgs = Message.objects.filter(sent_at__gte=f.start, sent_at__lt=f.end, agent__isnull=False)
    for key in ("channel", "region", "topic"):
        if getattr(f, key):
            msgs = msgs.filter(**{f"conversation__{key}": getattr(f, key)})
    msgs = msgs.order_by()
    totals = (msgs.values("agent_id", "agent__employee_id", "agent__display_name")
              .annotate(conversations=Count("conversation_id", distinct=True),
                        messages=Count("pk", filter=Q(kind__in=WORK_KINDS))))
    spans: dict[int, list[_Span]] = {}
    for row in msgs.values("agent_id", "conversation_id").annotate(first=Min("sent_at"),
                                                                   last=Max("sent_at")):
        spans.setdefault(row["agent_id"], []).append(_Span(row["first"], row["last"]))
    out = [{"employee_id": r["agent__employee_id"], "name": r["agent__display_name"],
            "conversations": r["conversations"], "messages": r["messages"],
            "active_seconds": _round(_union_seconds(spans.get(r["agent_id"], [])))}
           for r in totals]
    return sorted(out, key=lambda r: (-r["conversations"], -r["messages"], r["employee_id"]))


def service_levels(f: Filters) -> dict[str, Any]:
    """Warnings and breaches the service-level timers recorded for the conversations in range
    (each counted once per target), over the conversations that have a timer."""
    from walletdesk.servicelevels.models import Event as SlaEvent
    from walletdesk.servicelevels.models import Target, Timer

    convs = conversations(f).order_by().values("pk")
    timers = Timer.objects.filter(conversation__in=convs).count()
    counted = {(r["target"], r["kind"]): r["n"] for r in
               SlaEvent.objects.filter(conversation__in=convs).order_by().values("target", "kind")
               .annotate(n=Count("conversation", distinct=True))}
    targets = {}
    for target in Target.values:
        breached = counted.get((target, SlaEvent.Kind.BREACH), 0)
        targets[target] = {"warned": counted.get((target, SlaEvent.Kind.WARNING), 0),
                           "breached": breached,
                           "breach_rate": round(breached / timers, 4) if timers else None}
    return {"timers": timers, **targets}


def report(f: Filters) -> dict[str, Any]:
    return {
        "filters": {**f.as_query(), "time_zone": f.time_zone, "start": f.start.isoformat(),
                    "end": f.end.isoformat()},
        "volumes": volumes(f),
        **business_times(f),
        "queue_wait": queue_waits(f),
        "satisfaction": satisfaction(f),
        "service_levels": service_levels(f),
        "agents": agent_workload(f),
        "refund_requests": refund_requests(f),
    }


def refund_requests(f: Filters) -> list[dict[str, Any]]:
    """Customers' refund requests per merchant (disputes app): count, time to answer, share
    passed to customer support. Only the date range applies."""
    from walletdesk.disputes.figures import per_merchant

    return per_merchant(f.start, f.end)
