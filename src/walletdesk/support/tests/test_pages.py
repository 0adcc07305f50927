"""Pages render in both languages; the contact form never blocks; transcript lists agents and IDs."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from walletdesk.support.models import Conversation
from walletdesk.support.services import chat, conversations


@pytest.fixture
def setup(make_agent: Any, make_customer: Any) -> dict[str, Any]:
    agent = make_agent(name="王磊", role="supervisor")
    customer = make_customer(email="cust@example.com")
    conv = conversations.open_conversation(customer, topic="payments", message="转账没到账",
                                           use_triage=False).conversation
    conversations.accept(agent, conv)
    chat.post(conv, agent.user, "您好", agent=agent)
    return {"agent": agent, "customer": customer, "conv": conv}


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_customer_pages(setup: dict[str, Any], lang: str) -> None:
    c = Client(headers={"Accept-Language": lang})
    c.force_login(setup["customer"])
    conv = setup["conv"]
    for url in ("/support/", "/support/new/", f"/support/c/{conv.pk}/", f"/support/c/{conv.pk}/transcript/"):
        r = c.get(url)
        assert r.status_code == 200, url
        assert b"style=" not in r.content and b"<script>" not in r.content  # CSP: no inline
    text = c.get(f"/support/c/{conv.pk}/transcript/?download=1").content.decode()
    assert conv.reference in text and "王磊" in text and setup["agent"].employee_id in text


def test_contact_form_suggests_but_never_blocks(setup: dict[str, Any]) -> None:
    c = Client()
    c.force_login(setup["customer"])
    r = c.post("/support/new/", {"topic": "general", "message": "怎么改密码", "action": "suggest"})
    assert r.status_code == 200 and b'data-testid="open-chat"' in r.content
    r = c.post("/support/new/", {"topic": "general", "message": "怎么改密码", "action": "open"})
    assert r.status_code == 302
    assert Conversation.objects.filter(customer=setup["customer"]).count() == 2


def test_guest_page_opens_a_chat_without_login(db: Any) -> None:
    c = Client()
    assert c.get("/support/guest/").status_code == 200
    r = c.post("/support/guest/", {"contact": "someone@example.com", "topic": "account_locked",
                                   "message": "登录不了"})
    assert r.status_code == 302
    page = c.get(r["Location"])
    assert page.status_code == 200 and b'data-testid="guest-code-form"' in page.content
    assert Client().get(r["Location"]).status_code == 404  # another browser: not theirs


def test_console_and_supervisor(setup: dict[str, Any], make_agent: Any) -> None:
    c = Client()
    c.force_login(setup["agent"].user)
    assert c.get("/support/console/").status_code == 200
    r = c.get("/support/supervisor/")
    assert r.status_code == 200 and setup["agent"].employee_id.encode() in r.content
    plain = make_agent()
    c.force_login(plain.user)
    assert c.get("/support/supervisor/").status_code == 404
    c.force_login(setup["customer"])
    assert c.get("/support/console/").status_code == 404


def test_the_console_opens_with_the_agent_status_the_server_has(setup: dict[str, Any]) -> None:
    """An agent who went away and reloads the console sees "Away", not a default "Online"
    while the server gives them no chats (connecting keeps an away agent away)."""
    from walletdesk.support.services import routing

    agent, c = setup["agent"], Client()
    c.force_login(agent.user)
    assert '<option value="away">' in c.get("/support/console/").content.decode()
    routing.set_status(agent, "away")
    assert '<option value="away" selected>' in c.get("/support/console/").content.decode()


def test_transcript_by_email(setup: dict[str, Any], monkeypatch: Any) -> None:
    from django.core import mail
    from django.db import transaction

    from walletdesk.accounts.tests.fixtures import run_jobs

    monkeypatch.setattr(transaction, "on_commit", lambda fn, using=None, robust=False: fn())
    c = Client()
    c.force_login(setup["customer"])
    r = c.post(f"/support/c/{setup['conv'].pk}/transcript/")
    assert r.status_code == 302
    run_jobs()
    sent = [m for m in mail.outbox if "cust@example.com" in m.to]
    assert sent and setup["conv"].reference in sent[-1].body and setup["agent"].employee_id in sent[-1].body


def test_staff_see_words_for_codes(setup: dict[str, Any], make_customer: Any) -> None:
    """Queues, priorities, languages, roles and statuses are words in both languages; a closed
    conversation reads 已关闭 (not the desk's 休息), its reference column 会话编号."""
    locked = conversations.open_conversation(make_customer(), topic="account_locked", message="锁了",
                                             use_triage=False).conversation
    Conversation.objects.filter(pk=setup["conv"].pk).update(status=Conversation.Status.CLOSED)
    c = Client(headers={"Accept-Language": "zh-hans"})
    c.force_login(setup["agent"].user)
    page = c.get("/support/supervisor/").content.decode()
    assert "已关闭" in page and "休息" not in page and "会话编号" in page
    assert "账户安全" in page and "紧急" in page and "主管" in page
    for code in ("account_security", "senior_agent", ">supervisor<", ">30<", "zh-hans<"):
        assert code not in page, code
    listed = {d["reference"]: d for d in c.get("/api/v1/support/conversations").json()}
    assert (listed[locked.reference]["skill_label"], listed[locked.reference]["priority_label"],
            listed[locked.reference]["language_label"]) == ("账户安全", "紧急", "简体中文")
    en = Client(headers={"Accept-Language": "en"})
    en.force_login(setup["agent"].user)
    row = {d["reference"]: d for d in en.get("/api/v1/support/conversations").json()}[locked.reference]
    assert (row["skill_label"], row["priority_label"], row["status_label"]) == (
        "Account security", "Urgent", "Queued")
    console = en.get("/support/console/").content.decode()
    assert 'id="console-labels"' in console and "Top-up" in console and "Senior agent" in console


def test_the_supervisor_sees_chats_left_after_hours_counted(setup: dict[str, Any],
                                                            make_customer: Any) -> None:
    """Chats left while the desk was closed are held out of the live queue until it opens, but
    every agent's list shows them: the supervisor's figures count them apart, not as nothing."""
    late = conversations.open_conversation(make_customer(email="late@example.com"), topic="payments",
                                           message="晚上十一点转账没到账", use_triage=False).conversation
    Conversation.objects.filter(pk=late.pk).update(after_hours=True)  # as if left at 23:00
    c = Client(headers={"Accept-Language": "en"})
    c.force_login(setup["agent"].user)
    page = c.get("/support/supervisor/").content.decode()
    assert 'data-testid="kpi-waiting">0<' in page
    assert 'data-testid="kpi-after-hours">1<' in page
    assert "Left after hours, waiting for opening" in page
    assert "Times shown in China time (UTC+8)." in page and "Asia/Shanghai" not in page


@pytest.mark.parametrize(("topic", "link", "href"), [
    ("payments", "wait-payment", "/troubleshoot/payment/"),
    ("missing_money", "wait-payment", "/troubleshoot/payment/"),
    ("refunds", "wait-refund", "/troubleshoot/refund/"),
    ("suspected_fraud", "wait-devices", "/account/devices/"),
    ("account_locked", "wait-unlock", "/account/unlock/")])
def test_while_queued_the_chat_offers_what_the_customer_can_do_alone(
        make_customer: Any, topic: str, link: str, href: str) -> None:
    """Before an agent answers, the chat page links the self-service that fits the topic;
    once an agent has it, or for a topic with no self-service, it does not."""
    customer = make_customer(email="wait@example.com")
    conv = conversations.open_conversation(customer, topic=topic, message="请帮帮我",
                                           use_triage=False).conversation
    c = Client(headers={"Accept-Language": "zh-hans"})
    c.force_login(customer)
    html = c.get(f"/support/c/{conv.pk}/").content.decode()
    assert "等待客服时，您也可以先自己试试" in html
    assert f'href="{href}" data-testid="{link}"' in html


def test_nothing_to_try_alone_once_an_agent_answers(setup: dict[str, Any], make_customer: Any) -> None:
    c = Client()
    c.force_login(setup["customer"])
    assert b'data-testid="while-you-wait"' not in c.get(f"/support/c/{setup['conv'].pk}/").content
    other = make_customer(email="tech@example.com")
    conv = conversations.open_conversation(other, topic="technical", message="打不开",
                                           use_triage=False).conversation
    c.force_login(other)
    assert b'data-testid="while-you-wait"' not in c.get(f"/support/c/{conv.pk}/").content


def test_a_locked_out_guest_is_offered_the_unlock_only(db: Any) -> None:
    c = Client(headers={"Accept-Language": "en"})
    r = c.post("/support/guest/", {"contact": "someone@example.com", "topic": "account_locked",
                                   "message": "登录不了"})
    html = c.get(r["Location"]).content.decode()
    assert "While you wait, you can try this yourself" in html
    assert 'data-testid="wait-unlock"' in html and 'data-testid="wait-lock"' in html
    r = c.post("/support/guest/", {"contact": "someone@example.com", "topic": "payments",
                                   "message": "付款没到"})
    assert b'data-testid="while-you-wait"' not in c.get(r["Location"]).content  # signed out


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_the_conversation_list_says_its_times_in_words(setup: dict[str, Any], lang: str) -> None:
    """Opened today: "14:30", never an ISO date; the machine value stays in <time datetime>."""
    import re

    c = Client(headers={"Accept-Language": lang})
    c.force_login(setup["customer"])
    html = c.get("/support/").content.decode()
    row = html.split('data-testid="conversation-row"', 1)[1].split("</li>", 1)[0]
    assert re.search(r'<time class="nowrap" datetime="[^"]+">\d\d:\d\d</time>', row), row
    assert not re.search(r"\d{4}-\d{2}-\d{2}", re.sub(r"<[^>]+>", " ", row)), row
