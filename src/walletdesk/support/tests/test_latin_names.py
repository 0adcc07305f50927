"""English-speaking customers see an agent's Latin name (when the agent has one), Chinese
readers the display name: pages, API, websocket frames, transcript and notices."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import async_to_sync
from django.test import Client

from walletdesk.accounts.services import issue_token
from walletdesk.asgi import application
from walletdesk.support import events, queries
from walletdesk.support.models import Message
from walletdesk.support.services import chat, conversations

from .wscomm import WebsocketCommunicator

# Which name each reader sees, and which one must not appear.
READERS = [("zh-hans", "李娜", "Li Na"), ("en", "Li Na", "李娜"), ("zh-hant", "李娜", "Li Na")]


@pytest.fixture
def setup(make_agent: Any, make_customer: Any) -> dict[str, Any]:
    agent = make_agent(name="李娜", latin="Li Na")
    customer = make_customer(email="reader@example.com")
    conv = conversations.open_conversation(customer, topic="payments", message="转账没到账",
                                           use_triage=False).conversation
    conversations.accept(agent, conv)
    chat.post(conv, agent.user, "您好，我来帮您查", agent=agent)
    conv.refresh_from_db()
    return {"agent": agent, "customer": customer, "conv": conv}


def test_the_message_keeps_both_names_as_they_were(setup: dict[str, Any]) -> None:
    msg = Message.objects.filter(conversation=setup["conv"], kind="text", role="agent").get()
    assert (msg.sender_name, msg.sender_latin_name) == ("李娜", "Li Na")
    setup["agent"].latin_name = "Lina Li"
    setup["agent"].save()
    msg.refresh_from_db()
    assert msg.sender_latin_name == "Li Na"  # the record does not change afterwards


def _accepted_by(agent: Any, customer: Any) -> tuple[Any, Any]:
    """A payments chat of ``customer`` that ``agent`` has accepted."""
    conv = conversations.open_conversation(customer, topic="payments", message="hi",
                                           use_triage=False).conversation
    conversations.accept(agent, conv)
    return customer, conv


@pytest.mark.parametrize(("lang", "shown", "hidden"), READERS)
def test_pages_name_the_agent_in_the_readers_language(setup: dict[str, Any], lang: str, shown: str,
                                                      hidden: str) -> None:
    c = Client(headers={"Accept-Language": lang})
    c.force_login(setup["customer"])
    conv, eid = setup["conv"], setup["agent"].employee_id
    home = c.get("/support/").content.decode()
    assert shown in home and hidden not in home
    page = c.get(f"/support/c/{conv.pk}/").content.decode()
    status = page.split('data-testid="chat-status"')[1].split("</div>")[0]
    assert shown in status and eid in status and hidden not in status  # "You are talking to …"
    if lang == "zh-hans":  # a Chinese name sits in the sentence without spaces
        assert f"正在为您服务的是{shown}，工号 {eid}。" in status
    text = c.get(f"/support/c/{conv.pk}/transcript/?download=1").content.decode()
    assert shown in text and eid in text and hidden not in text


def test_an_agent_without_a_latin_name_keeps_the_display_name(make_agent: Any, make_customer: Any) -> None:
    agent = make_agent(name="王磊")
    customer, conv = _accepted_by(agent, make_customer())
    chat.post(conv, agent.user, "Hello", agent=agent)
    c = Client(headers={"Accept-Language": "en"})
    c.force_login(customer)
    assert "王磊" in c.get(f"/support/c/{conv.pk}/").content.decode()
    got = c.get(f"/api/v1/support/conversations/{conv.pk}/messages").json()
    assert [m["sender"]["name"] for m in got if m["sender"]["role"] == "agent"][-1] == "王磊"


@pytest.mark.parametrize(("lang", "shown", "hidden"), READERS)
def test_api_names_the_agent_in_the_readers_language(setup: dict[str, Any], lang: str, shown: str,
                                                     hidden: str) -> None:
    conv = setup["conv"]
    c = Client(headers={"Accept-Language": lang,
                        "Authorization": f"Bearer {issue_token(setup['customer'])}"})
    got = c.get(f"/api/v1/support/conversations/{conv.pk}").json()
    assert got["agent"]["name"] == shown
    history = c.get(f"/api/v1/support/conversations/{conv.pk}/messages").json()
    agents = [m["sender"] for m in history if m["sender"]["role"] == "agent"]
    assert agents and all(s["name"] == shown and "latin_name" not in s for s in agents)
    assert hidden not in str(history)
    staff = Client(headers={"Accept-Language": lang,
                            "Authorization": f"Bearer {issue_token(setup['agent'].user)}"})
    posted = staff.post(f"/api/v1/support/conversations/{conv.pk}/messages", {"text": "还在吗"},
                        content_type="application/json").json()
    assert posted["sender"]["name"] == shown and "latin_name" not in posted["sender"]


def test_group_frames_carry_both_names_and_each_viewer_gets_one(setup: dict[str, Any]) -> None:
    msg = Message.objects.filter(conversation=setup["conv"], kind="text", role="agent").get()
    frame = events.message_frame(msg)  # one frame for the conversation's group
    assert frame["sender"]["latin_name"] == "Li Na"
    rest = _without_latin(frame["sender"])
    assert events.for_viewer(frame, "en")["sender"] == {**rest, "name": "Li Na"}
    assert events.for_viewer(frame, "zh-hant")["sender"] == {**rest, "name": "李娜"}
    assert frame["sender"]["latin_name"] == "Li Na"  # the shared frame itself is left alone


def _without_latin(sender: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in sender.items() if k != "latin_name"}


def test_transcript_by_language_argument(setup: dict[str, Any]) -> None:
    assert "Li Na" in queries.transcript(setup["conv"], language="en")
    zh = queries.transcript(setup["conv"], language="zh-hans")
    assert "李娜" in zh and "Li Na" not in zh


# --- websocket: each socket in its own reader's language -------------------------------------------

def _browser(path: str, lang: str, cookie: str = "") -> WebsocketCommunicator:
    headers = [(b"origin", b"http://testserver"), (b"host", b"testserver"),
               (b"accept-language", lang.encode())]
    if cookie:
        headers.append((b"cookie", cookie.encode()))
    return WebsocketCommunicator(application, path, headers=headers)


async def _frames_until(comm: WebsocketCommunicator, pred: Any) -> list[dict[str, Any]]:
    got = []
    while True:
        got.append(await comm.receive_json_from(timeout=5))
        if pred(got[-1]):
            return got


async def _sockets(conv_id: int, agent_token: str, session: str) -> None:
    en = _browser(f"/ws/support/conversations/{conv_id}/", "en", session)
    zh = _browser(f"/ws/support/conversations/{conv_id}/", "en",  # the cookie wins, as on the page
                  session + "; walletdesk_language=zh-hans")
    for sock in (en, zh):
        assert (await sock.connect())[0]
        await sock.send_json_to({"type": "resume", "after_seq": 0})
    history = {name: await _frames_until(sock, lambda f: f["type"] == "resumed")
               for name, sock in (("en", en), ("zh", zh))}
    for name, want in (("en", "Li Na"), ("zh", "李娜")):
        agents = [f["sender"] for f in history[name]
                  if f["type"] == "message" and f["sender"]["role"] == "agent"]
        assert agents and all(s["name"] == want and "latin_name" not in s for s in agents), name

    agent = WebsocketCommunicator(application, "/ws/agent/",
                                  headers=[(b"authorization", f"Bearer {agent_token}".encode())])
    assert (await agent.connect())[0]
    await agent.receive_json_from()
    await agent.send_json_to({"type": "message", "conversation_id": conv_id, "text": "查到了",
                              "client_id": "live-1"})
    for sock, want in ((en, "Li Na"), (zh, "李娜"), (agent, "李娜")):
        live = (await _frames_until(sock, lambda f: f.get("client_id") == "live-1"))[-1]
        assert live["sender"]["name"] == want and "latin_name" not in live["sender"]

    # The console socket reads the console page's language too (the account's is zh-hans).
    agent_en = WebsocketCommunicator(application, "/ws/agent/", headers=[
        (b"authorization", f"Bearer {agent_token}".encode()), (b"accept-language", b"en")])
    assert (await agent_en.connect())[0]
    await agent_en.receive_json_from()
    await agent_en.send_json_to({"type": "heartbeat"})  # resumes nothing: live frames follow
    await agent.send_json_to({"type": "message", "conversation_id": conv_id, "text": "好了",
                              "client_id": "live-2"})
    for sock, want in ((agent_en, "Li Na"), (agent, "李娜")):
        live = (await _frames_until(sock, lambda f: f.get("client_id") == "live-2"))[-1]
        assert live["sender"]["name"] == want and "latin_name" not in live["sender"]
    await agent_en.disconnect()
    for sock in (en, zh, agent):
        await sock.disconnect()


@pytest.mark.django_db(transaction=True)
def test_sockets_name_the_agent_in_each_readers_language(make_agent: Any, make_customer: Any) -> None:
    agent = make_agent(name="李娜", latin="Li Na")
    customer = make_customer()
    conv = conversations.open_conversation(customer, topic="payments", message="转账没到账",
                                           use_triage=False).conversation
    conversations.accept(agent, conv)
    chat.post(conv, agent.user, "您好", agent=agent)

    def make_session(user: Any) -> str:
        client = Client()
        client.force_login(user)
        return f"sessionid={client.cookies['sessionid'].value}"

    async_to_sync(_sockets)(conv.pk, issue_token(agent.user), make_session(customer))


@pytest.mark.parametrize(("lang", "shown", "hidden"), READERS)
def test_staff_pages_name_colleagues_in_the_readers_language(setup: dict[str, Any], make_agent: Any,
                                                             lang: str, shown: str, hidden: str) -> None:
    """The console's own name, its transfer list and the supervisor's agent table and recent
    conversations follow the page's language like the customer's pages do."""
    colleague = make_agent(name="王磊", latin="Wang Lei")
    boss = make_agent(role="supervisor", name="陈静", latin="Chen Jing")
    own = Client(headers={"Accept-Language": lang})
    own.force_login(setup["agent"].user)
    page = own.get("/support/console/").content.decode()
    me = page.split('data-testid="me"')[1].split("</span>")[0]
    assert shown in me and hidden not in me
    who = page.split('data-testid="who">')[1].split("</span>")[0]  # the top bar's own name
    assert who == shown
    c = Client(headers={"Accept-Language": lang})
    c.force_login(boss.user)
    console = c.get("/support/console/").content.decode()
    want_colleague = "Wang Lei" if lang == "en" else "王磊"
    assert f"{want_colleague} ({colleague.employee_id})" in console
    supervisor = c.get("/support/supervisor/").content.decode()
    assert shown in supervisor and hidden not in supervisor


def test_a_latin_name_in_the_chinese_status_gets_its_spaces(make_agent: Any, make_customer: Any) -> None:
    agent = make_agent(name="Rachel Lim")
    customer, conv = _accepted_by(agent, make_customer())
    c = Client(headers={"Accept-Language": "zh-hans"})
    c.force_login(customer)
    page = c.get(f"/support/c/{conv.pk}/").content.decode()
    status = page.split('data-testid="chat-status"')[1].split("</div>")[0]
    assert f"正在为您服务的是 Rachel Lim，工号 {agent.employee_id}。" in status
