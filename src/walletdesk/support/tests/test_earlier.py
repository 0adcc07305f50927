"""The customer's other conversations in the console: what came before, for the agent who has
the conversation (or a supervisor), never for another agent, a customer, or about someone else."""

from __future__ import annotations

from typing import Any

import pytest

from walletdesk.accounts.services import issue_token
from walletdesk.conftest import ApiClient
from walletdesk.support.services import chat, conversations

pytestmark = pytest.mark.security


def earlier(client: ApiClient, conv_id: int) -> Any:
    return client.get(f"/api/v1/support/conversations/{conv_id}/earlier")


def test_the_agent_sees_the_customers_other_conversations_newest_first(
        make_agent: Any, make_customer: Any, open_chat: Any) -> None:
    agent = make_agent(name="王磊", role="supervisor")
    customer = make_customer(email="mei@example.com")
    first = open_chat("payments", "付款一直显示处理中", customer=customer).conversation
    conversations.accept(agent, first)
    chat.post(first, agent.user, "已为您处理", agent=agent)
    conversations.resolve(agent, first)
    second = open_chat("refunds", "想申请退款", customer=customer).conversation
    open_chat("general", "别人的问题")  # another customer's: never listed
    now = open_chat("account_locked", "账户被锁了", customer=customer).conversation

    plain = make_agent(name="刘洋")
    conversations.accept(plain, now)
    rows = earlier(ApiClient(issue_token(plain.user)), now.pk)
    assert rows.status_code == 200
    got = rows.json()
    assert [r["reference"] for r in got] == [second.reference, first.reference]
    assert got[1]["status"] == "resolved" and got[1]["agent"]["name"] == "王磊"
    assert got[1]["subject"] == "付款一直显示处理中" and got[1]["resolved_at"]
    assert got[0]["agent"] is None and got[0]["topic_label"]
    # a supervisor sees them too, from any conversation of the customer
    boss = ApiClient(issue_token(agent.user))
    assert [r["reference"] for r in earlier(boss, second.pk).json()] == [now.reference, first.reference]


def test_nobody_else_gets_them(make_agent: Any, make_customer: Any, open_chat: Any) -> None:
    customer = make_customer(email="lin@example.com")
    open_chat("payments", "上一次的问题", customer=customer)
    now = open_chat("payments", "这一次的问题", customer=customer).conversation
    other = make_agent(name="陈静")
    # queued: visible to every agent, but the history is for whoever accepts it
    assert earlier(ApiClient(issue_token(other.user)), now.pk).json() == []
    owner = make_agent(name="王芳")
    conversations.accept(owner, now)
    r = earlier(ApiClient(issue_token(other.user)), now.pk)  # now another agent's: not visible
    assert r.status_code == 404 and r.json()["code"] == "conversation_not_found"
    r = earlier(ApiClient(issue_token(customer)), now.pk)
    assert r.status_code == 403 and r.json()["code"] == "support_forbidden"
    assert earlier(ApiClient(), now.pk).status_code == 401
