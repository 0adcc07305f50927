"""Factories for live-support tests: agents on duty, customers, open conversations."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from walletdesk.accounts.models import User
from walletdesk.accounts.services import issue_token
from walletdesk.support import services
from walletdesk.support.models import Agent
from walletdesk.support.services import conversations

_n = itertools.count(7000)


@pytest.fixture
def make_agent(db: Any) -> Any:
    def make(skills: list[str] | None = None, languages: list[str] | None = None, *, cap: int = 3,
             online: bool = True, role: str = "agent", name: str = "", latin: str = "") -> Agent:
        n = next(_n)
        user = User.objects.create_user(f"agent{n}@walletdesk.example", "pw-agent-123456", role=role,
                                        display_name=name or f"Agent {n}")
        agent = services.save_agent(Agent(user=user, display_name=name or f"坐席{n}", latin_name=latin,
                                          employee_id=f"WD{n}",
                                          skills=skills or ["general"], languages=languages or ["zh-hans"],
                                          max_concurrent_chats=cap))
        if online:
            services.heartbeat(agent, Agent.Status.ONLINE)
        return agent

    return make


@pytest.fixture
def open_chat(make_customer: Any) -> Any:
    def make(topic: str = "general", text: str = "你好，我需要帮助", customer: User | None = None,
             **extra: Any) -> conversations.Opened:
        return conversations.open_conversation(customer or make_customer(**extra), topic=topic,
                                               message=text, use_triage=False)

    return make


@pytest.fixture
def chat(make_agent: Any, make_customer: Any) -> dict[str, Any]:
    """A chat waiting in the queue, an agent who has not accepted it, and both sides' tokens."""
    agent = make_agent(name="王磊")
    customer = make_customer()
    opened = conversations.open_conversation(customer, topic="general", message="我的转账没到账",
                                             use_triage=False)
    return {"agent": agent, "customer": customer, "conv": opened.conversation,
            "ctoken": issue_token(customer), "atoken": issue_token(agent.user)}
