"""Chat over the real ASGI application (Channels' WebsocketCommunicator, in-memory layer):
sequence numbers, resume after reconnect without loss or duplicates, typing, masking warning."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async

from walletdesk.accounts.services import issue_token
from walletdesk.asgi import application
from walletdesk.support.models import Message
from walletdesk.support.services import chat as support_chat
from walletdesk.support.services import conversations

from .wscomm import WebsocketCommunicator

pytestmark = pytest.mark.django_db(transaction=True)
BROWSER = [(b"origin", b"http://testserver"), (b"host", b"testserver")]


def connect(path: str, token: str | None = None) -> WebsocketCommunicator:
    """A native client with its API token in the handshake, or (no token) a browser."""
    if token is not None:
        return WebsocketCommunicator(application, path,
                                     headers=[(b"authorization", f"Bearer {token}".encode())])
    return WebsocketCommunicator(application, path, headers=BROWSER)


async def frames_until(comm: WebsocketCommunicator, pred: Any, timeout: float = 5) -> list[dict[str, Any]]:
    got = []
    while True:
        frame = await comm.receive_json_from(timeout=timeout)
        got.append(frame)
        if pred(frame):
            return got


async def _test_customer_and_agent_exchange_messages_with_sequence_numbers(chat: dict[str, Any]) -> None:
    conv = chat["conv"]
    cust = connect(f"/ws/support/conversations/{conv.pk}/", chat["ctoken"])
    assert (await cust.connect())[0]
    hello = await cust.receive_json_from()
    assert hello["type"] == "hello" and hello["reference"] == conv.reference
    queue = await cust.receive_json_from()
    assert queue["type"] == "queue" and queue["position"] == 1
    assert isinstance(queue["estimated_wait_seconds"], int)
    await cust.send_json_to({"type": "resume", "after_seq": hello["last_seq"]})

    agent = connect("/ws/agent/", chat["atoken"])
    assert (await agent.connect())[0]
    assert (await agent.receive_json_from())["type"] == "hello"
    await agent.send_json_to({"type": "accept", "conversation_id": conv.pk})
    got = await frames_until(cust, lambda f: f["type"] == "assigned")
    assigned = got[-1]
    assert assigned["agent"] == {"name": "王磊", "employee_id": chat["agent"].employee_id,
                                 "verify_url": f"/contact/verify/?value={chat['agent'].employee_id}"}

    await agent.send_json_to({"type": "message", "conversation_id": conv.pk, "text": "您好，我来帮您查",
                              "client_id": "a-1"})
    msg = (await frames_until(cust, lambda f: f["type"] == "message" and f.get("client_id") == "a-1"))[-1]
    assert msg["sender"]["employee_id"] == chat["agent"].employee_id and msg["sender"]["name"] == "王磊"
    assert msg["sent_at"] and msg["seq"] > 1

    await agent.send_json_to({"type": "message", "conversation_id": conv.pk, "text": "内部备注",
                              "client_id": "n-1", "private": True})
    await cust.send_json_to({"type": "typing"})
    typing = (await frames_until(agent, lambda f: f["type"] == "typing"))[-1]
    assert typing["role"] == "customer" and "from" not in typing
    await cust.send_json_to({"type": "message", "text": "好的谢谢", "client_id": "c-1"})
    mine = (await frames_until(cust, lambda f: f["type"] == "message" and f.get("client_id") == "c-1"))
    assert not any(f.get("private") for f in mine)  # the note never reaches the customer
    await cust.disconnect()
    await agent.disconnect()


async def _test_resume_after_reconnect_has_no_loss_and_no_duplicates(chat: dict[str, Any]) -> None:
    conv = chat["conv"]
    await database_sync_to_async(conversations.accept)(chat["agent"], conv)
    cust = connect(f"/ws/support/conversations/{conv.pk}/", chat["ctoken"])
    await cust.connect()
    await cust.send_json_to({"type": "resume", "after_seq": 0})
    first = await frames_until(cust, lambda f: f["type"] == "resumed")
    seen = [f["seq"] for f in first if f["type"] == "message"]
    await cust.disconnect()

    # While the customer is away: the agent writes, and the customer's unacknowledged message is re-sent.
    agent = connect("/ws/agent/", chat["atoken"])
    await agent.connect()
    await agent.receive_json_from()
    for i in range(5):
        await agent.send_json_to({"type": "message", "conversation_id": conv.pk, "text": f"消息 {i}",
                                  "client_id": f"away-{i}"})
    await frames_until(agent, lambda f: f.get("client_id") == "away-4")

    cust = connect(f"/ws/support/conversations/{conv.pk}/", chat["ctoken"])
    await cust.connect()
    await cust.send_json_to({"type": "resume", "after_seq": seen[-1]})
    await cust.send_json_to({"type": "message", "text": "重发", "client_id": "c-dup"})
    await cust.send_json_to({"type": "message", "text": "重发", "client_id": "c-dup"})  # the re-send
    got = await frames_until(cust, lambda f: f["type"] == "ack")
    await asyncio.sleep(0.2)
    while not await cust.receive_nothing(timeout=0.2):
        got.append(await cust.receive_json_from())
    seqs = seen + [f["seq"] for f in got if f["type"] == "message"]
    stored = await database_sync_to_async(lambda: list(
        Message.objects.filter(conversation=conv).exclude(kind="note").values_list("seq", flat=True)))()
    assert sorted(seqs) == seqs, "in order"
    assert len(seqs) == len(set(seqs)), "no duplicates"
    assert set(seqs) == set(stored), "no loss"
    assert await database_sync_to_async(Message.objects.filter(client_id="c-dup").count)() == 1
    await cust.disconnect()
    await agent.disconnect()


async def _post_as_customer(chat: dict[str, Any], text: str) -> int:
    return (await database_sync_to_async(support_chat.post)(chat["conv"], chat["customer"], text)).message.seq


async def _test_a_console_gets_its_history_before_live_frames_however_late_its_resume_is_read(
        chat: dict[str, Any], monkeypatch: Any) -> None:
    from walletdesk.support import access, consumers

    conv = chat["conv"]
    await database_sync_to_async(conversations.accept)(chat["agent"], conv)
    seen = await _post_as_customer(chat, "在吗")
    await _post_as_customer(chat, "我的转账一直在处理中")  # while the console is away
    # A busy server reads the console's resume long after the hold timer has run out.
    monkeypatch.setattr(consumers.AgentConsole, "AUTO_SYNC_SECONDS", 0.3)
    read = access.get_for

    def slow_read(*args: Any, **kwargs: Any) -> Any:
        time.sleep(1.0)
        return read(*args, **kwargs)

    monkeypatch.setattr(access, "get_for", slow_read)
    agent = connect("/ws/agent/", chat["atoken"])
    assert (await agent.connect())[0]
    assert (await agent.receive_json_from())["type"] == "hello"
    live = await _post_as_customer(chat, "还是没到账")  # comes live while the socket holds it
    await agent.send_json_to({"type": "resume", "conversation_id": conv.pk, "after_seq": seen})
    got = await frames_until(agent, lambda f: f["type"] == "resumed")
    await agent.send_json_to({"type": "heartbeat"})
    await asyncio.sleep(0.3)
    while not await agent.receive_nothing(timeout=0.2):
        got.append(await agent.receive_json_from())
    seqs = [f["seq"] for f in got if f["type"] == "message"]
    assert seqs == list(range(seen + 1, live + 1)), "each once, in order"
    await agent.disconnect()


def test_a_console_gets_its_history_before_live_frames_however_late_its_resume_is_read(
        chat: dict[str, Any], monkeypatch: Any) -> None:
    async_to_sync(_test_a_console_gets_its_history_before_live_frames_however_late_its_resume_is_read)(
        chat, monkeypatch)


async def _test_held_frames_reach_a_client_that_does_not_resume(chat: dict[str, Any],
                                                                monkeypatch: Any) -> None:
    from walletdesk.support import consumers

    conv = chat["conv"]
    await database_sync_to_async(conversations.accept)(chat["agent"], conv)
    # A console that says something else first has resumed all it meant to: held frames follow.
    agent = connect("/ws/agent/", chat["atoken"])
    assert (await agent.connect())[0]
    await agent.receive_json_from()
    first = await _post_as_customer(chat, "你好")
    assert await agent.receive_nothing(timeout=0.3)  # held
    await agent.send_json_to({"type": "heartbeat"})
    got = await frames_until(agent, lambda f: f["type"] == "message")
    assert got[-1]["seq"] == first
    await agent.disconnect()
    # A console that says nothing at all gets them after AUTO_SYNC_SECONDS.
    monkeypatch.setattr(consumers.AgentConsole, "AUTO_SYNC_SECONDS", 0.3)
    agent = connect("/ws/agent/", chat["atoken"])
    assert (await agent.connect())[0]
    await agent.receive_json_from()
    second = await _post_as_customer(chat, "有人吗")
    got = await frames_until(agent, lambda f: f["type"] == "message")
    assert [f["seq"] for f in got if f["type"] == "message"] == [second]
    # The customer's socket alike: typing first means "no history wanted".
    cust = connect(f"/ws/support/conversations/{conv.pk}/", chat["ctoken"])
    assert (await cust.connect())[0]
    await frames_until(cust, lambda f: f["type"] == "hello")
    await cust.send_json_to({"type": "typing"})
    await agent.send_json_to({"type": "message", "conversation_id": conv.pk, "text": "在的",
                              "client_id": "here"})
    got = await frames_until(cust, lambda f: f["type"] == "message")
    assert [f.get("client_id") for f in got if f["type"] == "message"] == ["here"]
    await cust.disconnect()
    await agent.disconnect()


def test_held_frames_reach_a_client_that_does_not_resume(chat: dict[str, Any], monkeypatch: Any) -> None:
    async_to_sync(_test_held_frames_reach_a_client_that_does_not_resume)(chat, monkeypatch)


async def _test_masking_warns_the_sender_and_stores_no_secret(chat: dict[str, Any]) -> None:
    conv = chat["conv"]
    cust = connect(f"/ws/support/conversations/{conv.pk}/", chat["ctoken"])
    await cust.connect()
    await cust.send_json_to({"type": "message", "text": "卡号 4111 1111 1111 1111 验证码 482913",
                             "client_id": "sec"})
    got = await frames_until(cust, lambda f: f["type"] == "warning")
    warning = got[-1]
    assert set(warning["kinds"]) == {"card", "code"} and warning["message"]
    if not any(f["type"] == "message" for f in got):
        got += await frames_until(cust, lambda f: f["type"] == "message")
    msg = next(f for f in got if f["type"] == "message")
    assert "4111 1111" not in msg["text"] and "482913" not in msg["text"]
    stored = await database_sync_to_async(lambda: Message.objects.get(client_id="sec").text)()
    assert "482913" not in stored and "•••• 1111" in stored
    await cust.disconnect()


async def _test_sockets_refuse_strangers(chat: dict[str, Any], make_customer: Any) -> None:
    conv = chat["conv"]
    other = await database_sync_to_async(make_customer)()
    token = await database_sync_to_async(issue_token)(other)
    for path, key in ((f"/ws/support/conversations/{conv.pk}/", token),
                      (f"/ws/support/conversations/{conv.pk}/", None), ("/ws/agent/", chat["ctoken"]),
                      (f"/ws/support/conversations/{conv.pk}/?guest=forged", None)):
        comm = connect(path, key)
        connected, _code = await comm.connect()
        assert not connected, path


def test_customer_and_agent_exchange_messages_with_sequence_numbers(chat: dict[str, Any]) -> None:
    async_to_sync(_test_customer_and_agent_exchange_messages_with_sequence_numbers)(chat)


def test_resume_after_reconnect_has_no_loss_and_no_duplicates(chat: dict[str, Any]) -> None:
    async_to_sync(_test_resume_after_reconnect_has_no_loss_and_no_duplicates)(chat)


def test_masking_warns_the_sender_and_stores_no_secret(chat: dict[str, Any]) -> None:
    async_to_sync(_test_masking_warns_the_sender_and_stores_no_secret)(chat)


@pytest.mark.security
def test_sockets_refuse_strangers(chat: dict[str, Any], make_customer: Any) -> None:
    async_to_sync(_test_sockets_refuse_strangers)(chat, make_customer)


async def _test_frames_the_layer_dropped_still_arrive(chat: dict[str, Any], monkeypatch: Any) -> None:
    from walletdesk.support import consumers, events

    monkeypatch.setattr(consumers.CustomerChat, "RECHECK_SECONDS", 0.3)
    conv = chat["conv"]
    cust = connect(f"/ws/support/conversations/{conv.pk}/?after_seq=0", chat["ctoken"])
    await cust.connect()
    await frames_until(cust, lambda f: f["type"] == "resumed")
    # A frame lost on the way (a full channel-layer queue drops it): stored, never sent.
    monkeypatch.setattr(events, "publish_message", lambda m: None)
    await database_sync_to_async(support_chat.post)(conv, chat["agent"].user, "丢失的一帧",
                                                    agent=chat["agent"], client_id="dropped")
    got = await frames_until(cust, lambda f: f.get("client_id") == "dropped", timeout=5)
    assert [f["client_id"] for f in got if f["type"] == "message"] == ["dropped"]
    await cust.disconnect()


def test_frames_the_layer_dropped_still_arrive(chat: dict[str, Any], monkeypatch: Any) -> None:
    async_to_sync(_test_frames_the_layer_dropped_still_arrive)(chat, monkeypatch)


async def _test_refused_messages_store_nothing(chat: dict[str, Any], other_token: str) -> None:
    conv = chat["conv"]
    intruder = connect("/ws/agent/", other_token)
    assert (await intruder.connect())[0]
    await frames_until(intruder, lambda f: f["type"] == "hello")
    # Another agent's conversation: refused as not found, by the statement that would store it.
    await intruder.send_json_to({"type": "message", "conversation_id": conv.pk, "text": "不是我的",
                                 "client_id": "x-1"})
    error = await frames_until(intruder, lambda f: f["type"] == "error")
    assert error[-1]["code"] == "conversation_not_found"
    assert error[-1]["client_id"] == "x-1"  # the client knows which message went nowhere
    await intruder.send_json_to({"type": "typing", "conversation_id": conv.pk, "client_id": "t-1"})
    error = await frames_until(intruder, lambda f: f["type"] == "error")
    assert error[-1]["code"] == "conversation_not_found" and "client_id" not in error[-1]
    cust = connect(f"/ws/support/conversations/{conv.pk}/?after_seq=0", chat["ctoken"])
    assert (await cust.connect())[0]
    await frames_until(cust, lambda f: f["type"] == "resumed")
    await database_sync_to_async(conversations.resolve)(chat["agent"], conv)
    # An ended conversation: refused as closed.
    await cust.send_json_to({"type": "message", "text": "还在吗", "client_id": "c-late"})
    error = await frames_until(cust, lambda f: f["type"] == "error")
    assert error[-1]["code"] == "conversation_closed" and error[-1]["client_id"] == "c-late"
    await intruder.disconnect()
    await cust.disconnect()


def test_refused_messages_store_nothing(chat: dict[str, Any], make_agent: Any) -> None:
    conversations.accept(chat["agent"], chat["conv"])
    other = make_agent(name="李娜")
    before = list(Message.objects.filter(conversation=chat["conv"]).values_list("seq", "client_id"))
    async_to_sync(_test_refused_messages_store_nothing)(chat, issue_token(other.user))
    chat["conv"].refresh_from_db()
    after = list(Message.objects.filter(conversation=chat["conv"]).values_list("seq", "client_id"))
    assert not {"x-1", "c-late"} & {cid for _seq, cid in after}
    # Only the resolve's own event was added; no sequence number was taken by a refusal.
    assert len(after) == len(before) + 1 and chat["conv"].last_seq == after[-1][0]
