"""Agent services: the only code that writes agents.

"On duty" means the agent said they are online and their console sent a
heartbeat within ``HEARTBEAT_TTL`` (a closed laptop drops off by itself).
Shifts are not modelled: the live-chat issue sends the heartbeats.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from walletdesk.core import clock
from walletdesk.core.errors import ValidationFailed

from ..models import AGENT_ROLES, SKILLS, Agent

HEARTBEAT_TTL = timedelta(seconds=120)
EMPLOYEE_ID = re.compile(r"^WD\d{4,6}$")
LANGUAGES = ("zh-hans", "zh-hant", "en", "yue")  # what an agent writes or speaks


class InvalidAgent(ValidationFailed):
    code = "invalid_agent"
    default_message = _("The agent's employee ID, skills or languages are not valid.")


@dataclass(frozen=True)
class PublicAgent:
    """What anybody may learn about an agent: nothing private."""

    employee_id: str
    display_name: str
    on_duty: bool
    latin_name: str = ""


def normalize_employee_id(raw: str) -> str:
    return re.sub(r"[\s\-_]", "", raw).upper()


def is_on_duty(agent: Agent, at: datetime | None = None) -> bool:
    at = at or clock.now()
    return (agent.status == Agent.Status.ONLINE and agent.last_heartbeat_at is not None
            and at - agent.last_heartbeat_at <= HEARTBEAT_TTL)


def public_agent(employee_id: str) -> PublicAgent | None:
    agent = (Agent.objects.filter(employee_id=normalize_employee_id(employee_id),
                                  user__is_active=True, user__role__in=AGENT_ROLES)
             .only("employee_id", "display_name", "latin_name", "status", "last_heartbeat_at")
             .first())
    if agent is None:
        return None
    return PublicAgent(agent.employee_id, agent.display_name, is_on_duty(agent), agent.latin_name)


def check_agent(employee_id: str, skills: list[str], languages: list[str]) -> str:
    eid = normalize_employee_id(employee_id)
    if (not EMPLOYEE_ID.match(eid) or not isinstance(skills, list)
            or any(s not in SKILLS for s in skills) or not isinstance(languages, list)
            or any(lang not in LANGUAGES for lang in languages)):
        raise InvalidAgent()
    return eid


def save_agent(agent: Agent) -> Agent:
    """Validate and store an agent (admin and demo both come here)."""
    agent.employee_id = check_agent(agent.employee_id, agent.skills, agent.languages)
    if agent.user.role not in AGENT_ROLES:
        raise InvalidAgent(code="not_an_agent_role")
    agent.save()
    return agent


def heartbeat(agent: Agent, status: str = Agent.Status.ONLINE) -> None:
    if status not in Agent.Status.values:
        raise InvalidAgent(code="unknown_status")
    with transaction.atomic():
        Agent.objects.filter(pk=agent.pk).update(status=status, last_heartbeat_at=clock.now())
    agent.status, agent.last_heartbeat_at = status, clock.now()
