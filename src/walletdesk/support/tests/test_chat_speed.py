"""The fast chat path keeps its guarantees: one statement per message on PostgreSQL, a
reconnecting console gets older messages before newer live ones, duplicates by client id."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from django.db import connection
from django.test.utils import CaptureQueriesContext

from walletdesk.accounts.services import issue_token
from walletdesk.support.errors import ConversationClosed, ConversationNotFound
from walletdesk.support.models import Conversation, Message
from walletdesk.support.services import chat as support_chat
from walletdesk.support.services import conversations

from .test_websockets import connect, frames_until


@pytest.fixture
def chat(make_agent: Any, make_customer: Any) -> dict[str, Any]:
    agent, customer = make_agent(name="王磊"), make_customer()
    opened = conversations.open_conversation(customer, topic="general", message="我的转账没到账",
                                             use_triage=False)
    return {"agent": agent, "customer": customer, "conv": opened.conversation,
            "atoken": issue_token(agent.user)}


async def _test_reconnected_console_gets_history_before_newer_live_frames(chat: dict[str, Any]) -> None:
    conv, agent = chat["conv"], chat["agent"]
    await database_sync_to_async(conversations.accept)(agent, conv)
    for n in range(3):
        await database_sync_to_async(support_chat.post)(conv, chat["customer"], f"早先 {n}",
                                                        client_id=f"old-{n}")
    console = connect("/ws/agent/", chat["atoken"])
    assert (await console.connect())[0]
    assert (await console.receive_json_from())["type"] == "hello"
    # A newer message arrives live before the console asks for what it missed.
    await database_sync_to_async(support_chat.post)(conv, chat["customer"], "新的", client_id="new")
    await console.send_json_to({"type": "resume", "conversation_id": conv.pk, "after_seq": 1})
    got = await frames_until(console, lambda f: f.get("client_id") == "new")
    seqs = [f["seq"] for f in got if f["type"] == "message"]
    assert seqs == sorted(set(seqs)) and seqs[0] == 2
    assert [f.get("client_id") for f in got if f["type"] == "message"][-4:] == \
        ["old-0", "old-1", "old-2", "new"]
    await console.disconnect()


@pytest.mark.django_db(transaction=True)
def test_reconnected_console_gets_history_before_newer_live_frames(chat: dict[str, Any]) -> None:
    async_to_sync(_test_reconnected_console_gets_history_before_newer_live_frames)(chat)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_message_is_one_statement_on_postgresql(chat: dict[str, Any]) -> None:
    conv, agent = chat["conv"], chat["agent"]
    conversations.accept(agent, conv)
    with CaptureQueriesContext(connection) as ctx:
        posted = support_chat.post(Conversation(pk=conv.pk), agent.user, "您好", client_id="one",
                                   agent=agent, publish=False)
    assert len(ctx.captured_queries) == 1, ctx.captured_queries
    stored = Message.objects.get(client_id="one")
    assert (stored.pk, stored.seq, stored.text, stored.employee_id) == \
        (posted.message.pk, posted.message.seq, "您好", agent.employee_id)
    conv.refresh_from_db()
    assert conv.last_seq == stored.seq and conv.status == Conversation.Status.WAITING
    assert conv.first_response_at is not None
    # The same client id again: the stored one, no second row, no sequence number used.
    again = support_chat.post(conv, agent.user, "您好", client_id="one", agent=agent)
    assert again.duplicate and again.message.pk == stored.pk
    conv.refresh_from_db()
    assert conv.last_seq == stored.seq and Message.objects.filter(client_id="one").count() == 1
    # Ended: refused, nothing stored.
    conversations.resolve(agent, conv)
    count = Message.objects.count()
    with pytest.raises(ConversationClosed):
        support_chat.post(conv, chat["customer"], "还在吗", client_id="late")
    assert Message.objects.count() == count


@pytest.mark.django_db
def test_a_multipart_body_without_boundary_is_a_typed_400(api: Any) -> None:
    """Found by schemathesis: Django's multipart parser raised, the API answered 500."""
    got = api.post("/api/v1/support/conversations/1/attachments", raw="x",
                   content_type="multipart/form-data")
    assert got.status_code == 400 and got.json()["code"] == "bad_request"


@pytest.mark.security
@pytest.mark.django_db(transaction=True)
def test_the_storing_statement_refuses_an_agent_the_conversation_is_not_assigned_to(
        chat: dict[str, Any], make_agent: Any) -> None:
    conv, agent, other = chat["conv"], chat["agent"], make_agent()
    conversations.accept(agent, conv)
    conv.refresh_from_db()
    before = (conv.last_seq, Message.objects.count())
    with pytest.raises(ConversationNotFound):
        support_chat.post(Conversation(pk=conv.pk), other.user, "我来插一句", agent=other,
                          assigned_to=other.pk)
    with pytest.raises(ConversationNotFound):
        support_chat.post(Conversation(pk=10**9), agent.user, "不存在", agent=agent, assigned_to=agent.pk)
    conv.refresh_from_db()
    assert (conv.last_seq, Message.objects.count()) == before  # refused: nothing changed
    posted = support_chat.post(Conversation(pk=conv.pk), agent.user, "我在", agent=agent,
                               assigned_to=agent.pk)
    assert posted.message.seq == before[0] + 1
    conversations.resolve(agent, conv)
    with pytest.raises(ConversationClosed):  # allowed, but ended
        support_chat.post(Conversation(pk=conv.pk), agent.user, "还有吗", agent=agent, assigned_to=agent.pk)
