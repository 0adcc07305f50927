"""Agents: employee IDs, "on duty", what the public may learn, demo logins."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest

from walletdesk.accounts.models import User
from walletdesk.core import clock
from walletdesk.core.errors import DomainError
from walletdesk.support import demo, services
from walletdesk.support.models import Agent


@pytest.fixture
def agent(db: Any) -> Agent:
    user = User.objects.create_user("a1@walletdesk.example", "pw-agent-123456", role="agent")
    return services.save_agent(Agent(user=user, display_name="小李", employee_id="wd 5001",
                                     skills=["payments"], languages=["zh-hans"]))


def test_employee_id_is_normalized(agent: Agent) -> None:
    assert agent.employee_id == "WD5001"


def test_on_duty_needs_online_and_a_fresh_heartbeat(agent: Agent) -> None:
    assert not services.is_on_duty(agent)
    services.heartbeat(agent, Agent.Status.ONLINE)
    assert services.is_on_duty(agent)
    assert not services.is_on_duty(agent, clock.now() + timedelta(seconds=121))
    services.heartbeat(agent, Agent.Status.AWAY)
    assert not services.is_on_duty(agent)


@pytest.mark.security
def test_public_view_has_nothing_private(agent: Agent) -> None:
    services.heartbeat(agent)
    public = services.public_agent("wd5001")
    assert public == services.PublicAgent("WD5001", "小李", True)
    agent.user.is_active = False
    agent.user.save()
    assert services.public_agent("WD5001") is None


@pytest.mark.security
def test_customers_cannot_be_agents(db: Any) -> None:
    user = User.objects.create_user("c@example.com", "pw-cust-123456")
    with pytest.raises(DomainError):
        services.save_agent(Agent(user=user, display_name="x", employee_id="WD7001"))
    assert not Agent.objects.exists()


@pytest.mark.parametrize("eid,skills,langs", [("1024", [], []), ("WD12", [], []),
                                              ("WD1024", ["hacking"], []), ("WD1024", [], ["fr"])])
def test_bad_agents_are_refused(db: Any, eid: str, skills: list[str], langs: list[str]) -> None:
    user = User.objects.create_user("b@walletdesk.example", "pw-agent-123456", role="agent")
    with pytest.raises(DomainError):
        services.save_agent(Agent(user=user, display_name="x", employee_id=eid, skills=skills,
                                  languages=langs))
    assert not Agent.objects.exists()


def test_demo_agents(db: Any) -> None:
    logins = demo.seed()
    roles = [e["role"] for e in logins]
    assert "supervisor" in roles and "senior_agent" in roles and roles.count("agent") >= 2
    for entry in logins:
        assert set(entry) == {"role", "login", "password", "name", "employee_id", "totp_secret"}
        assert re.fullmatch(r"[A-Z2-7]{16,}", entry["totp_secret"])  # staff sign in with TOTP
    assert next(e for e in logins if e["role"] == "agent")["employee_id"].startswith("WD")
    assert demo.seed() == logins  # idempotent
    assert Agent.objects.count() == len(logins)
