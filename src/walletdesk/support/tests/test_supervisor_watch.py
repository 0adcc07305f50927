"""A supervisor watches any conversation and takes one over (ADR 0128); a plain agent still
cannot open a conversation outside their lists (404, nothing revealed, nothing changed); the
console's one deep link (?c=<reference>) is what the supervisor page and approvals link to."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import async_to_sync
from django.test import Client

from walletdesk.accounts.models import SecurityEvent
from walletdesk.accounts.services import issue_token
from walletdesk.conftest import ApiClient
from walletdesk.support.models import Conversation, Message
from walletdesk.support.services import chat as chat_service
from walletdesk.support.services import conversations

from .test_websockets import connect, frames_until

pytestmark = pytest.mark.security


@pytest.fixture
def handled(make_agent: Any, make_customer: Any) -> dict[str, Any]:
    """A live chat that agent WD-a handles (one message each way), a supervisor on duty, and a
    plain agent who is not in it; everyone's API token."""
    agent = make_agent(name="刘洋")
    boss = make_agent(name="陈静", role="supervisor")
    other = make_agent(name="赵敏")
    customer = make_customer()
    conv = conversations.open_conversation(customer, topic="general", message="我的转账没到账",
                                           use_triage=False).conversation
    conversations.accept(agent, conv)
    chat_service.post(conv, agent.user, "您好，我来帮您查询。", agent=agent, assigned_to=agent.pk)
    conv.refresh_from_db()
    return {"agent": agent, "boss": boss, "other": other, "customer": customer, "conv": conv,
            "atoken": issue_token(agent.user), "btoken": issue_token(boss.user),
            "otoken": issue_token(other.user), "ctoken": issue_token(customer)}


def _state(conv: Conversation) -> tuple[Any, ...]:
    conv.refresh_from_db()
    rows = list(Message.objects.filter(conversation=conv).values_list("seq", "kind", "text"))
    return (conv.status, conv.agent_id, conv.last_seq, conv.agent_read_seq, rows,
            SecurityEvent.objects.filter(kind="support_conversation_taken_over").count())


async def _drain(comm: Any, wait: float = 0.4) -> list[dict[str, Any]]:
    got = []
    while not await comm.receive_nothing(timeout=wait):
        got.append(await comm.receive_json_from())
    return got


# --- watching ------------------------------------------------------------------------------

async def _watch(h: dict[str, Any]) -> None:
    conv = h["conv"]
    boss = connect("/ws/agent/", h["btoken"])
    assert (await boss.connect())[0]
    await frames_until(boss, lambda f: f["type"] == "hello")
    await boss.send_json_to({"type": "watch", "conversation_id": conv.pk, "after_seq": 0})
    history = await frames_until(boss, lambda f: f["type"] == "resumed")
    texts = [f["text"] for f in history if f["type"] == "message" and f["kind"] == "text"]
    assert texts == ["我的转账没到账", "您好，我来帮您查询。"]
    # Live: what the customer writes next reaches the watching supervisor.
    cust = connect(f"/ws/support/conversations/{conv.pk}/?after_seq=0", h["ctoken"])
    assert (await cust.connect())[0]
    await frames_until(cust, lambda f: f["type"] == "resumed")
    await cust.send_json_to({"type": "message", "text": "还没到账", "client_id": "c-1"})
    live = await frames_until(boss, lambda f: f["type"] == "message" and f["text"] == "还没到账")
    seq = live[-1]["seq"]
    await _drain(cust)
    # Watching leaves no trace for the customer: no "Read", no "typing…".
    await boss.send_json_to({"type": "read", "conversation_id": conv.pk, "seq": seq})
    await boss.send_json_to({"type": "typing", "conversation_id": conv.pk})
    assert not [f for f in await _drain(cust) if f["type"] in ("read", "typing")]
    # A note from the watching supervisor reaches the agent's colleagues, never the customer.
    await boss.send_json_to({"type": "message", "conversation_id": conv.pk, "text": "先核对收款账号",
                             "client_id": "n-1", "private": True})
    note = await frames_until(boss, lambda f: f["type"] == "message" and f.get("client_id") == "n-1")
    assert note[-1]["private"] is True
    assert not [f for f in await _drain(cust) if f["type"] == "message"]
    await cust.disconnect()
    await boss.disconnect()


@pytest.mark.django_db(transaction=True)
def test_a_supervisor_watches_another_agents_chat_live(handled: dict[str, Any]) -> None:
    conv = handled["conv"]
    boss = ApiClient(handled["btoken"])
    got = boss.get(f"/api/v1/support/conversations/{conv.pk}").json()
    assert got["agent"]["employee_id"] == handled["agent"].employee_id and got["context"] is not None
    assert [c["id"] for c in boss.get("/api/v1/support/conversations",
                                      reference=conv.reference.lower()).json()] == [conv.pk]
    assert boss.get(f"/api/v1/support/conversations/{conv.pk}/casework").status_code == 200
    read_before = Conversation.objects.get(pk=conv.pk).agent_read_seq
    async_to_sync(_watch)(handled)
    conv.refresh_from_db()
    assert conv.agent_id == handled["agent"].pk  # watching changes nobody's chat
    assert conv.agent_read_seq == read_before


# --- taking over ---------------------------------------------------------------------------

async def _take_over(h: dict[str, Any]) -> None:
    conv, agent, boss_agent = h["conv"], h["agent"], h["boss"]
    was = connect("/ws/agent/", h["atoken"])
    assert (await was.connect())[0]
    await frames_until(was, lambda f: f["type"] == "hello")
    cust = connect(f"/ws/support/conversations/{conv.pk}/?after_seq=0", h["ctoken"])
    assert (await cust.connect())[0]
    await frames_until(cust, lambda f: f["type"] == "resumed")
    boss = connect("/ws/agent/", h["btoken"])
    assert (await boss.connect())[0]
    await frames_until(boss, lambda f: f["type"] == "hello")

    from asgiref.sync import sync_to_async

    r = await sync_to_async(ApiClient(h["btoken"]).post)(
        f"/api/v1/support/conversations/{conv.pk}/take-over")
    assert r.status_code == 200, r.content
    assert r.json()["agent"]["employee_id"] == boss_agent.employee_id

    # The customer, as after a transfer: the event and the new name and employee ID.
    seen = await frames_until(cust, lambda f: f["type"] == "assigned")
    seen += await _drain(cust)
    event = [f for f in seen if f["type"] == "message" and f.get("event") == "transferred"]
    assert event and event[-1]["text"] == f"{agent.employee_id} → {boss_agent.employee_id}"
    assert seen[-1]["agent"]["employee_id"] == boss_agent.employee_id
    # The previous agent: released, naming who took over.
    released = (await frames_until(was, lambda f: f["type"] == "released"))[-1]
    assert released["conversation_id"] == conv.pk and released["reference"] == conv.reference
    assert released["taken_over_by"]["employee_id"] == boss_agent.employee_id
    # The supervisor's console is told it is theirs now.
    assigned = (await frames_until(boss, lambda f: f["type"] == "assigned"))[-1]
    assert assigned["conversation_id"] == conv.pk
    # and their reply reaches the customer.
    await boss.send_json_to({"type": "message", "conversation_id": conv.pk, "text": "您好，我是主管陈静。",
                             "client_id": "b-1"})
    reply = await frames_until(cust, lambda f: f["type"] == "message" and f.get("client_id") == "b-1")
    assert reply[-1]["sender"]["employee_id"] == boss_agent.employee_id
    for comm in (was, cust, boss):
        await comm.disconnect()


@pytest.mark.django_db(transaction=True)
def test_a_supervisor_takes_over_and_everyone_is_told(handled: dict[str, Any]) -> None:
    conv, agent, boss = handled["conv"], handled["agent"], handled["boss"]
    async_to_sync(_take_over)(handled)
    conv.refresh_from_db()
    assert conv.agent_id == boss.pk and conv.status == Conversation.Status.WAITING  # they spoke last
    audit = SecurityEvent.objects.get(kind="support_conversation_taken_over")
    assert audit.user_id is None  # the staff's act, not an event of the customer's account
    assert audit.data == {"conversation": conv.reference, "conversation_id": conv.pk,
                          "agent": boss.employee_id, "agent_role": "supervisor",
                          "from_agent": agent.employee_id, "customer_id": handled["customer"].pk}
    # The previous agent can no longer read or write in it.
    was = ApiClient(handled["atoken"])
    assert was.get(f"/api/v1/support/conversations/{conv.pk}").status_code == 404
    r = was.post(f"/api/v1/support/conversations/{conv.pk}/messages", {"text": "还在吗"})
    assert r.status_code == 404
    # Taking over one's own conversation again changes nothing.
    before = _state(conv)
    assert ApiClient(handled["btoken"]).post(
        f"/api/v1/support/conversations/{conv.pk}/take-over").status_code == 200
    assert _state(conv) == before


@pytest.mark.django_db
def test_only_a_live_handled_conversation_can_be_taken_over(handled: dict[str, Any],
                                                            open_chat: Any) -> None:
    boss = ApiClient(handled["btoken"])
    queued = open_chat().conversation
    r = boss.post(f"/api/v1/support/conversations/{queued.pk}/take-over")
    assert r.status_code == 409 and r.json()["code"] == "nothing_to_take_over"
    conv = handled["conv"]
    conversations.resolve(handled["agent"], conv)
    r = boss.post(f"/api/v1/support/conversations/{conv.pk}/take-over")
    assert r.status_code == 409 and r.json()["code"] == "conversation_closed"
    assert not SecurityEvent.objects.filter(kind="support_conversation_taken_over").exists()


@pytest.mark.django_db
def test_a_supervisor_away_is_asked_to_go_online_first(handled: dict[str, Any]) -> None:
    from walletdesk.support.services import routing

    routing.set_status(handled["boss"], "away")
    before = _state(handled["conv"])
    r = ApiClient(handled["btoken"]).post(f"/api/v1/support/conversations/{handled['conv'].pk}/take-over")
    assert r.status_code == 409 and r.json()["code"] == "not_on_duty"
    assert _state(handled["conv"]) == before


# --- a plain agent: 404, nothing revealed, nothing changed ---------------------------------

@pytest.mark.django_db
def test_a_plain_agent_cannot_open_or_take_another_agents_chat(handled: dict[str, Any]) -> None:
    conv, other = handled["conv"], ApiClient(handled["otoken"])
    before = _state(conv)
    missing = max(Conversation.objects.values_list("pk", flat=True)) + 1000
    answers = []
    for pk in (conv.pk, missing):
        for method, path in (("get", ""), ("get", "/messages"), ("get", "/casework"),
                             ("post", "/take-over"), ("post", "/accept")):
            r = getattr(other, method)(f"/api/v1/support/conversations/{pk}{path}")
            assert r.status_code == 404, (pk, path, r.content)
            answers.append((path, r.json()))
    # The same answer whether the conversation exists or not.
    half = len(answers) // 2
    assert answers[:half] == answers[half:]
    assert other.get("/api/v1/support/conversations", reference=conv.reference).json() == []
    assert _state(conv) == before
    # The page: no transcript either.
    web = Client()
    web.force_login(handled["other"].user)
    assert web.get(f"/support/c/{conv.pk}/transcript/").status_code == 404


@pytest.mark.django_db
def test_the_assigned_agent_cannot_take_over(handled: dict[str, Any]) -> None:
    """Not a supervisor: refused (403) for the agent's own chat, which they may see."""
    conv = handled["conv"]
    before = _state(conv)
    r = ApiClient(handled["atoken"]).post(f"/api/v1/support/conversations/{conv.pk}/take-over")
    assert r.status_code == 403
    assert _state(conv) == before


async def _agent_socket_refused(h: dict[str, Any]) -> None:
    conv = h["conv"]
    other = connect("/ws/agent/", h["otoken"])
    assert (await other.connect())[0]
    await frames_until(other, lambda f: f["type"] == "hello")
    for kind in ("watch", "read", "typing"):
        await other.send_json_to({"type": kind, "conversation_id": conv.pk, "after_seq": 0, "seq": 99})
        error = (await frames_until(other, lambda f: f["type"] in ("error", "message", "resumed")))[-1]
        assert error["type"] == "error" and error["code"] == "conversation_not_found", (kind, error)
    # A customer message afterwards never reaches them.
    cust = connect(f"/ws/support/conversations/{conv.pk}/?after_seq=0", h["ctoken"])
    assert (await cust.connect())[0]
    await frames_until(cust, lambda f: f["type"] == "resumed")
    await cust.send_json_to({"type": "message", "text": "还没到账", "client_id": "c-2"})
    await frames_until(cust, lambda f: f["type"] == "message" and f.get("client_id") == "c-2")
    assert not [f for f in await _drain(other) if f.get("conversation_id") == conv.pk
                and f["type"] == "message"]
    await cust.disconnect()
    await other.disconnect()


@pytest.mark.django_db(transaction=True)
def test_a_plain_agents_socket_cannot_watch_another_agents_chat(handled: dict[str, Any]) -> None:
    before = _state(handled["conv"])
    async_to_sync(_agent_socket_refused)(handled)
    after = _state(handled["conv"])
    # only the customer's message was added (and the chat went from waiting to active)
    assert after[1] == before[1] and after[3] == before[3] and after[5] == before[5]


# --- the one deep link ---------------------------------------------------------------------

@pytest.mark.django_db
def test_the_supervisor_page_links_into_the_console_by_reference(handled: dict[str, Any]) -> None:
    web = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    web.force_login(handled["boss"].user)
    page = web.get("/support/supervisor/").content.decode()
    ref = handled["conv"].reference
    assert f'href="/support/console/?c={ref}"' in page
    assert "#conv=" not in page
    # The header names the zone once, without parentheses inside parentheses.
    assert "实时数据，每 15 秒刷新一次。时间均为" in page and "）)" not in page and "））" not in page
    en = Client(HTTP_ACCEPT_LANGUAGE="en")
    en.force_login(handled["boss"].user)
    assert "Times shown in" in en.get("/support/supervisor/").content.decode()
    # The console opens with the link (the page itself reads ?c= in the browser).
    assert web.get(f"/support/console/?c={ref}").status_code == 200
