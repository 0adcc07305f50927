"""Reading callbacks: what the customer and the agent see (the session code only where allowed)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from walletdesk.core import clock
from walletdesk.directory.normalize import pretty_phone

from . import codes
from .models import Call, Callback


def customer_dict(cb: Callback, now: datetime | None = None) -> dict[str, Any]:
    """For the logged-in customer who booked it: the code only inside its window."""
    now = now or clock.now()
    visible = codes.visible_at(cb, now)
    return {"id": cb.pk, "conversation_id": cb.conversation_id,
            "reference": cb.conversation.reference, "status": cb.status,
            "status_label": str(cb.get_status_display()), "slot_start": cb.slot_start.isoformat(),
            "number": pretty_phone(cb.number),
            "line": cb.line.value, "session_code": codes.code_for(cb) if visible else None,
            "code_from": (cb.slot_start - codes.WINDOW_BEFORE).isoformat()}


def call_dict(call: Call) -> dict[str, Any]:
    return {"id": call.pk, "status": call.status, "status_label": str(call.get_status_display()),
            "outcome": call.outcome or None,
            "outcome_label": str(call.get_outcome_display()) if call.outcome else None,
            "notes": call.notes, "duration_seconds": call.duration_seconds,
            "agent": {"name": call.agent.display_name, "employee_id": call.agent.employee_id},
            "started_at": call.started_at.isoformat(),
            "answered_at": call.answered_at.isoformat() if call.answered_at else None,
            "ended_at": call.ended_at.isoformat() if call.ended_at else None,
            "logged": call.logged_at is not None}


def agent_dict(cb: Callback) -> dict[str, Any]:
    """For agents: everything but the session code (that comes only with start_call)."""
    return {"id": cb.pk, "conversation_id": cb.conversation_id, "reference": cb.conversation.reference,
            "status": cb.status, "status_label": str(cb.get_status_display()),
            "slot_start": cb.slot_start.isoformat(), "number": pretty_phone(cb.number),
            "attempts": cb.attempts,
            "calls": [call_dict(c) for c in cb.calls.select_related("agent").order_by("-started_at")]}


def open_for_agent(user: Any, limit: int = 500) -> list[Callback]:
    from walletdesk.support.queries import visible_to

    ids = visible_to(user).values("pk")
    return list(Callback.objects.filter(conversation_id__in=ids, status__in=[
        Callback.Status.SCHEDULED, Callback.Status.CALLING]).order_by("slot_start")[:limit])


def of_customer(user: Any, limit: int = 50) -> list[Callback]:
    return list(Callback.objects.filter(customer=user).select_related("conversation", "line")
                .order_by("-slot_start")[:limit])
