"""The customer card as it is now (GET …/conversations/{id}/customer): the conversation's
context keeps what the desk saw when it opened; the agent who has it, or a supervisor, reads the
account again, never another agent, a customer or anyone about a guest."""

from __future__ import annotations

from typing import Any

import pytest

from walletdesk.accounts.services import holds, issue_token
from walletdesk.conftest import ApiClient
from walletdesk.support.models import Conversation
from walletdesk.support.services import conversations, guest

pytestmark = pytest.mark.security


def live(client: ApiClient, conv_id: int) -> Any:
    return client.get(f"/api/v1/support/conversations/{conv_id}/customer")


def test_the_agent_who_has_it_reads_the_account_as_it_is_now(
        make_agent: Any, make_customer: Any, open_chat: Any) -> None:
    customer = make_customer(email="hui@example.com", display_name="周慧")
    conv = open_chat("account_locked", "为什么不能转账了", customer=customer).conversation
    assert conv.context["account"]["holds"] == []
    holds.place(customer, "security", "suspected fraud")  # after the conversation opened
    agent = make_agent(name="刘洋")
    conversations.accept(agent, conv)

    r = live(ApiClient(issue_token(agent.user)), conv.pk)
    assert r.status_code == 200
    body = r.json()
    assert body["as_of"]
    assert body["context"]["customer"]["name"] == "周慧"
    assert body["context"]["account"]["holds"] == ["security"]
    assert body["context"]["account"]["locked"] is False
    # the stored snapshot is unchanged: it records what the desk saw when it opened
    conv.refresh_from_db()
    assert conv.context["account"]["holds"] == []
    # a supervisor reads it too
    boss = make_agent(name="王磊", role="supervisor")
    seen = live(ApiClient(issue_token(boss.user)), conv.pk).json()["context"]
    assert seen["account"]["holds"] == ["security"]


def test_nobody_else_reads_it(make_agent: Any, make_customer: Any, open_chat: Any) -> None:
    customer = make_customer(email="lan@example.com")
    conv = open_chat("payments", "付款一直显示处理中", customer=customer).conversation
    other = make_agent(name="陈静")
    # queued: in every agent's list with its snapshot, but read afresh only once someone has it
    r = live(ApiClient(issue_token(other.user)), conv.pk)
    assert r.status_code == 200 and r.json()["context"] is None
    owner = make_agent(name="王芳")
    conversations.accept(owner, conv)
    r = live(ApiClient(issue_token(other.user)), conv.pk)  # another agent's now: not visible
    assert r.status_code == 404 and r.json()["code"] == "conversation_not_found"
    r = live(ApiClient(issue_token(customer)), conv.pk)
    assert r.status_code == 403 and r.json()["code"] == "support_forbidden"
    assert live(ApiClient(), conv.pk).status_code == 401


def test_a_guest_has_no_account_to_read(make_agent: Any) -> None:
    opened = guest.open_guest(contact="someone@example.org", topic="account_locked",
                              message="登录不了", language="zh-hans", region="CN")
    conv = Conversation.objects.get(pk=opened.conversation.pk)
    boss = make_agent(name="王磊", role="supervisor")
    conversations.accept(boss, conv)
    r = live(ApiClient(issue_token(boss.user)), conv.pk)
    assert r.status_code == 200 and r.json()["context"] is None
