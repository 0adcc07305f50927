"""An agent writes only in a conversation they accepted (finding: a reply typed into a queued
conversation reached the customer before any "assigned"), and a resolved one answers staff in
staff's words. Refusals are typed and change nothing: no row, no sequence number, no frame."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import async_to_sync
from django.utils import translation

from walletdesk.conftest import ApiClient
from walletdesk.support.errors import ConversationClosed, ConversationResolved, NotYourConversation
from walletdesk.support.models import Conversation, Message
from walletdesk.support.services import conversations

from .test_websockets import connect, frames_until

pytestmark = pytest.mark.security


def _state(conv: Conversation) -> tuple[Any, ...]:
    conv.refresh_from_db()
    rows = list(Message.objects.filter(conversation=conv).values_list("seq", "kind", "text"))
    return conv.status, conv.agent_id, conv.last_seq, conv.first_response_at, rows


async def _nothing_more(comm: Any, wait: float = 0.6) -> list[dict[str, Any]]:
    """Every frame that arrives within ``wait`` seconds."""
    got = []
    while not await comm.receive_nothing(timeout=wait):
        got.append(await comm.receive_json_from())
    return got


async def _socket_refuses(q: dict[str, Any]) -> None:
    conv = q["conv"]
    cust = connect(f"/ws/support/conversations/{conv.pk}/?after_seq=0", q["ctoken"])
    assert (await cust.connect())[0]
    await frames_until(cust, lambda f: f["type"] == "resumed")
    agent = connect("/ws/agent/", q["atoken"])
    assert (await agent.connect())[0]
    await frames_until(agent, lambda f: f["type"] == "hello")
    await agent.send_json_to({"type": "watch", "conversation_id": conv.pk, "after_seq": 0})
    await frames_until(agent, lambda f: f["type"] == "resumed")
    for private, cid in ((False, "r-1"), (True, "n-1")):
        await agent.send_json_to({"type": "message", "conversation_id": conv.pk, "text": "您好，我来帮您",
                                  "client_id": cid, "private": private})
        error = (await frames_until(agent, lambda f: f["type"] in ("error", "message")))[-1]
        assert error["type"] == "error", error
        assert error["code"] == "not_assigned_to_you" and error["client_id"] == cid
        with translation.override(q["agent"].user.language or "zh-hans"):  # the agent's words
            assert error["message"] == str(NotYourConversation().message)
    assert not [f for f in await _nothing_more(cust) if f["type"] == "message"]  # nothing broadcast
    assert not [f for f in await _nothing_more(agent, 0.2) if f["type"] == "message"]
    await agent.disconnect()
    await cust.disconnect()


@pytest.mark.django_db(transaction=True)
def test_the_socket_refuses_a_reply_or_note_before_accepting(chat: dict[str, Any]) -> None:
    before = _state(chat["conv"])
    async_to_sync(_socket_refuses)(chat)
    after = _state(chat["conv"])
    assert after == before and after[0] == Conversation.Status.QUEUED and after[1] is None


@pytest.mark.django_db
def test_the_api_refuses_a_reply_or_note_before_accepting(chat: dict[str, Any]) -> None:
    conv, client = chat["conv"], ApiClient(chat["atoken"])
    before = _state(conv)
    for body in ({"text": "您好", "client_id": "a-1"}, {"text": "备注", "private": True}):
        r = client.post(f"/api/v1/support/conversations/{conv.pk}/messages", body)
        assert r.status_code == 409, r.content
        assert r.json()["code"] == "not_assigned_to_you" and r.json()["message"]
    assert _state(conv) == before
    # Accepted: the same reply goes through.
    assert client.post(f"/api/v1/support/conversations/{conv.pk}/accept").status_code == 200
    r = client.post(f"/api/v1/support/conversations/{conv.pk}/messages", {"text": "您好", "client_id": "a-2"})
    assert r.status_code == 201, r.content


@pytest.mark.django_db
def test_the_refusal_is_translated(chat: dict[str, Any]) -> None:
    with translation.override("zh-hans"):
        zh = str(NotYourConversation().message)
        resolved = str(ConversationResolved().message)
        customer = str(ConversationClosed().message)
    assert "接入" in zh
    assert resolved != customer and "请发起新的会话" not in resolved
    with translation.override("en"):
        assert str(NotYourConversation().message).startswith("Accept this conversation")


@pytest.mark.django_db
def test_a_resolved_conversation_answers_the_agent_in_staff_words(chat: dict[str, Any]) -> None:
    conv, agent, client = chat["conv"], chat["agent"], ApiClient(chat["atoken"])
    conversations.accept(agent, conv)
    conversations.resolve(agent, conv)
    before = _state(conv)
    with translation.override("zh-hans"):  # the language both accounts use
        staff_words, customer_words = str(ConversationResolved().message), str(ConversationClosed().message)
    for path, body in (("messages", {"text": "还有问题吗", "client_id": "late"}),
                       ("transfer", {"skill": "payments"}), ("resolve", None)):
        r = client.post(f"/api/v1/support/conversations/{conv.pk}/{path}", body)
        assert r.status_code == 409, (path, r.content)
        assert r.json()["code"] == "conversation_closed"
        assert r.json()["message"] == staff_words, path
    assert _state(conv) == before
    # The customer still reads the customer's words.
    r = ApiClient(chat["ctoken"]).post(f"/api/v1/support/conversations/{conv.pk}/messages",
                                         {"text": "还在吗"})
    assert r.status_code == 409 and r.json()["message"] == customer_words
