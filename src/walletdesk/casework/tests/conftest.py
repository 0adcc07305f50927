"""Factories for casework tests: agents of each role, a live conversation, a verified one."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import pytest

from walletdesk.accounts.models import User
from walletdesk.accounts.services import issue_token
from walletdesk.accounts.tests.fixtures import _fast_hashing  # noqa: F401
from walletdesk.casework import verification
from walletdesk.conftest import ApiClient
from walletdesk.support import conversations, services
from walletdesk.support.models import Agent, Conversation

_n = itertools.count(8000)


@pytest.fixture
def make_staff(db: Any) -> Any:
    def make(role: str = "agent") -> Agent:
        n = next(_n)
        user = User.objects.create_user(f"staff{n}@walletdesk.example", "pw-agent-123456", role=role,
                                        display_name=f"Staff {n}")
        agent = services.save_agent(Agent(user=user, display_name=f"坐席{n}", employee_id=f"WD{n}",
                                          skills=["general", "payments", "account_security"],
                                          languages=["zh-hans", "en"], max_concurrent_chats=5))
        services.heartbeat(agent, Agent.Status.ONLINE)
        return agent

    return make


def client_for(user: User) -> ApiClient:
    return ApiClient(issue_token(user))


@dataclass
class Case:
    conv: Conversation
    agent: Agent
    customer: User
    agent_api: ApiClient
    customer_api: ApiClient

    def act(self, action: str, reason: str = "customer asked in chat", **params: Any) -> Any:
        return self.agent_api.post(f"/api/v1/support/conversations/{self.conv.pk}/actions",
                                   {"action": action, "reason": reason, **params})

    def verify(self) -> None:
        v = verification.start(self.agent, self.conv.pk, "in_app")
        verification.confirm(v.pk, self.customer)


@pytest.fixture
def make_case(make_staff: Any, make_customer: Any) -> Any:
    def make(role: str = "agent", *, verified: bool = True, customer: User | None = None,
             agent: Agent | None = None) -> Case:
        who = customer or make_customer()
        staff = agent or make_staff(role)
        conv = conversations.open_conversation(who, topic="general", message="需要帮助",
                                               use_triage=False).conversation
        conversations.accept(staff, conv)
        conv.refresh_from_db()
        case = Case(conv, staff, who, client_for(staff.user), client_for(who))
        if verified:
            case.verify()
        return case

    return make
