from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from walletdesk.core import clock
from walletdesk.servicelevels.models import Event, Target, Timer
from walletdesk.support import labels
from walletdesk.support.supervision import moment, span

register = template.Library()

AT_RISK_SHOWN = 50
EVENTS_SINCE = timedelta(hours=24)


def due_words(due: datetime | None, now: datetime) -> tuple[str, bool]:
    """("in 5 min" | "overdue by 12 min" | "paused (waiting on the customer)", overdue)."""
    if due is None:
        return _("paused (waiting on the customer)"), False
    seconds = int((due - now).total_seconds())
    if seconds <= 0:
        return pgettext("a service-level deadline", "overdue by %(time)s") % {"time": span(-seconds)}, True
    return pgettext("a service-level deadline", "due in %(time)s") % {"time": span(seconds)}, False


def at_risk_row(timer: Timer, now: datetime) -> dict[str, Any]:
    """An open conversation that breached a target or is close to it, with its next deadline:
    the first response while none was sent, then the resolution (paused while waiting on the
    customer)."""
    conv = timer.conversation
    due: datetime | None
    if conv.first_response_at is None and timer.first_response_due is not None:
        target, due = Target.FIRST_RESPONSE, timer.first_response_due
    else:
        target, due = Target.RESOLUTION, None if timer.paused else timer.resolution_due
    words, overdue = due_words(due, now)
    return {"timer": timer, "conv": conv, "target": target.label, "due": words, "overdue": overdue,
            "at": moment(due, now) if due else None,
            "status": labels.conversation_status(conv.status), "skill": labels.skill(conv.skill),
            "priority": labels.priority(conv.priority),
            "order": (due is None, due or now, conv.pk)}


@register.simple_tag
def sla_overview() -> dict[str, Any]:
    """For the supervisor view: the open conversations that breached a target or are close to
    a breach (the next deadline first, paused ones last), how many of each, and the warnings
    and breaches of the last 24 hours (earlier ones are in the desk reports)."""
    now = clock.now()
    timers = (Timer.objects.filter(stopped_at__isnull=True,
                                   state__in=[Timer.State.WARNING, Timer.State.BREACHED])
              .select_related("conversation", "conversation__agent"))
    rows = sorted((at_risk_row(t, now) for t in timers), key=lambda r: r["order"])
    breached = sum(1 for r in rows if r["timer"].state == Timer.State.BREACHED)
    events = (Event.objects.filter(at__gte=now - EVENTS_SINCE, at__lte=now)
              .select_related("conversation", "conversation__agent").order_by("-at", "-pk")[:30])
    return {"at_risk": rows[:AT_RISK_SHOWN], "more": max(0, len(rows) - AT_RISK_SHOWN),
            "breached": breached, "close": len(rows) - breached,
            "events": [{"event": e, "conv": e.conversation, "when": moment(e.at, now),
                        "breach": e.kind == Event.Kind.BREACH} for e in events]}
