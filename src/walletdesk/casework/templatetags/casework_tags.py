"""Casework on other apps' pages: the supervisor view's "Waiting for your approval"."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import template

from walletdesk.casework import queries, roles

register = template.Library()


@register.inclusion_tag("casework/_supervisor.html", takes_context=True)
def casework_approvals(context: Any) -> dict[str, Any]:
    """The agent actions the viewer may approve, each linked into the console."""
    request = context.get("request")
    agent = roles.staff_agent(getattr(request, "user", None))
    rows = queries.approval_queue(agent) if agent is not None else []
    return {"approvals": [{**a, "label": str(queries.ACTION_LABELS.get(a["action"], a["action"])),
                           "asked_at": datetime.fromisoformat(a["created_at"])} for a in rows]}
