"""The staff callbacks page (/phone/staff/): who sees which callbacks (agents theirs and those
not taken yet, supervisors all, with filters), the groups and their order, times in the
desk's zone in words, and never a customer's full number."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from walletdesk.core import clock
from walletdesk.directory.models import Channel
from walletdesk.phone import desk, services
from walletdesk.phone.models import Callback
from walletdesk.support.models import Agent, Conversation

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 12, 3, 10, 2, tzinfo=SH).astimezone(UTC)  # Thursday, hotline 08:00-22:00
NUMBER = "+8613800138000"
FULL = ("13800138000", "138 0013 8000", "138-0013-8000")
INLINE = re.compile(r'<script(?![^>]*\b(?:src=|type="application/json"))[^>]*>|\sstyle="', re.I)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=SH).astimezone(UTC)


def client(user: Any, lang: str = "en") -> Client:
    c = Client(HTTP_ACCEPT_LANGUAGE=lang)
    c.force_login(user)
    c.cookies["django_language"] = lang
    return c


def book(line: Channel, customer: Any, slot: datetime, booked_at: datetime,
         owner: Agent | None = None, status: str = Callback.Status.SCHEDULED,
         message: str = "转账没到账，请回电") -> Callback:
    with clock.frozen(booked_at):
        cb = services.book(customer, line_id=line.pk, slot=slot.isoformat(), number=NUMBER,
                           topic="payments", message=message)
    if owner is not None:
        Conversation.objects.filter(pk=cb.conversation_id).update(
            agent=owner, status=Conversation.Status.ACTIVE)
    if status != Callback.Status.SCHEDULED:
        Callback.objects.filter(pk=cb.pk).update(status=status)
    return cb


@pytest.fixture
def desk_day(hotline: Channel, make_customer: Any, make_agent: Any) -> dict[str, Any]:
    """Two agents, a supervisor and six callbacks around Thursday 10:02 Shanghai time."""
    one, two = make_agent(name="王磊"), make_agent(name="李娜")
    boss = make_agent(role="supervisor", name="陈主管")
    zhang = make_customer(region="CN", display_name="张三", phone=NUMBER)
    nameless = make_customer("nameless@example.com", region="CN", display_name="", phone="+8613900139000")
    cbs = {
        "overdue": book(hotline, zhang, at(3, 9, 30), at(3, 9, 0)),                     # not taken
        "soon": book(hotline, zhang, at(3, 10, 30), at(3, 9, 0), owner=one),
        "today": book(hotline, nameless, at(3, 15, 0), at(3, 9, 0), owner=two),
        "tomorrow": book(hotline, zhang, at(4, 9, 0), at(3, 9, 0)),                     # not taken
        "done": book(hotline, zhang, at(2, 16, 0), at(2, 15, 0), owner=one,
                     status=Callback.Status.DONE),
        "cancelled": book(hotline, zhang, at(3, 18, 0), at(3, 9, 0),
                          status=Callback.Status.CANCELLED),
    }
    return {"one": one, "two": two, "boss": boss, "cbs": cbs, "zhang": zhang}


@pytest.fixture(autouse=True)
def _now() -> Any:
    with clock.frozen(NOW):
        yield


def rows(html: str) -> list[int]:
    return [int(x) for x in re.findall(r'data-testid="cbd-row" data-callback="(\d+)"', html)]


def group_ids(html: str, key: str) -> list[int]:
    m = re.search(rf'data-testid="cbd-group-{key}".*?</section>', html, re.S)
    return rows(m.group(0)) if m else []


@pytest.mark.security
def test_an_agent_sees_their_own_and_those_not_taken(desk_day: dict[str, Any]) -> None:
    cbs = desk_day["cbs"]
    html = client(desk_day["one"].user).get("/phone/staff/").content.decode()
    assert rows(html) == [cbs["overdue"].pk, cbs["soon"].pk, cbs["tomorrow"].pk]
    assert cbs["today"].pk not in rows(html)  # a colleague's
    # asking for the colleague's callbacks falls back to the agent's own view
    two = desk_day["two"].pk
    html = client(desk_day["one"].user).get(f"/phone/staff/?agent={two}&status=all").content.decode()
    assert cbs["today"].pk not in rows(html) and f'value="{two}"' not in html
    mine = client(desk_day["one"].user).get(
        f"/phone/staff/?agent={desk_day['one'].pk}&status=all").content.decode()
    assert rows(mine) == [cbs["soon"].pk, cbs["done"].pk]
    assert not INLINE.search(html)


@pytest.mark.security
def test_a_supervisor_sees_all_and_filters(desk_day: dict[str, Any]) -> None:
    cbs, boss = desk_day["cbs"], client(desk_day["boss"].user)
    html = boss.get("/phone/staff/").content.decode()
    assert rows(html) == [cbs[k].pk for k in ("overdue", "soon", "today", "tomorrow")]
    assert rows(boss.get(f"/phone/staff/?agent={desk_day['two'].pk}").content.decode()) == [
        cbs["today"].pk]
    assert rows(boss.get("/phone/staff/?agent=none").content.decode()) == [
        cbs["overdue"].pk, cbs["tomorrow"].pk]
    assert rows(boss.get("/phone/staff/?status=overdue").content.decode()) == [cbs["overdue"].pk]
    assert rows(boss.get("/phone/staff/?status=done").content.decode()) == [cbs["done"].pk]
    assert rows(boss.get("/phone/staff/?status=cancelled").content.decode()) == [cbs["cancelled"].pk]
    everything = boss.get("/phone/staff/?status=all").content.decode()
    assert set(rows(everything)) == {cb.pk for cb in cbs.values()}
    # an unknown filter is the default view, not an error
    assert rows(boss.get("/phone/staff/?status=drop&agent=x").content.decode()) == rows(html)


@pytest.mark.security
@pytest.mark.parametrize("who", ["customer", "anonymous", "staff_without_agent"])
def test_others_are_refused(desk_day: dict[str, Any], make_customer: Any, who: str) -> None:
    if who == "anonymous":
        r = Client().get("/phone/staff/")
        assert r.status_code == 302 and "/login/" in r["Location"]
        return
    user = desk_day["zhang"] if who == "customer" else make_customer(role="agent")
    r = client(user).get("/phone/staff/")
    assert r.status_code == 404
    assert 'data-testid="cbd-row"' not in r.content.decode()


def test_groups_in_order_with_times_in_words(desk_day: dict[str, Any]) -> None:
    cbs = desk_day["cbs"]
    html = client(desk_day["boss"].user, "en").get("/phone/staff/?status=all").content.decode()
    keys = re.findall(r'data-testid="cbd-group-(\w+)"', html)
    assert keys == ["due", "today", "later", "closed"]
    assert group_ids(html, "due") == [cbs["overdue"].pk, cbs["soon"].pk]  # the oldest first
    assert group_ids(html, "today") == [cbs["today"].pk]
    assert group_ids(html, "later") == [cbs["tomorrow"].pk]
    assert group_ids(html, "closed") == [cbs["cancelled"].pk, cbs["done"].pk]  # the latest first
    assert "China time (UTC+8)" in html and "list as of 10:02" in html
    assert "overdue by 32 min" in html and "in 28 min" in html and "Tomorrow 09:00" in html
    assert "Yesterday 16:00" in html and "Overdue" in html
    assert 'data-testid="count-overdue">1<' in html and 'data-testid="count-due">2<' in html
    assert f'href="/support/console/?c={cbs["soon"].conversation_id}"' in html
    assert "Payments and transfers" in html and "转账没到账，请回电" in html
    assert "王磊" in html and "Not taken yet" in html
    zh = client(desk_day["boss"].user, "zh-hans").get("/phone/staff/?status=all").content.decode()
    for words in ("回电预约", "现在该打和已逾期", "今天稍后", "之后几天", "已结束", "明天 09:00",
                  "已逾期 32 分钟", "北京时间（UTC+8）", "尚未认领", "在客服工作台中打开"):
        assert words in zh, words
    for code in ("scheduled", "no_answer", "payments", "Asia/Shanghai"):
        assert f">{code}<" not in zh and f" {code} " not in re.sub(r"<[^>]+>", " ", zh)


def test_no_full_numbers_and_no_number_for_a_name(desk_day: dict[str, Any]) -> None:
    html = client(desk_day["boss"].user).get("/phone/staff/?status=all").content.decode()
    assert "+86 ••• •••• 8000" in html
    for shown in FULL:
        assert shown not in html
    assert "n•••@example.com" in html  # the customer without a name


def test_a_retry_says_what_happened(desk_day: dict[str, Any]) -> None:
    cb = desk_day["cbs"]["soon"]
    from walletdesk.phone.models import Call

    Callback.objects.filter(pk=cb.pk).update(attempts=1)
    Call.objects.create(callback=cb, conversation=cb.conversation, agent=desk_day["one"],
                        provider="dev", status=Call.Status.NO_ANSWER, outcome="no_answer",
                        logged_at=NOW - timedelta(minutes=1), started_at=NOW - timedelta(minutes=3))
    html = client(desk_day["one"].user).get("/phone/staff/").content.decode()
    assert "To call again" in html and "last call: No answer · 1 attempt" in html
    assert "You" in html  # the agent's own callback


def test_masked_number_keeps_the_grouping() -> None:
    assert desk.masked_number("+8613800138000") == "+86 ••• •••• 8000"
    assert desk.masked_number("+85291234567") == "+852 •••• 4567"
    assert desk.masked_number("+1") == "••••"


def test_the_staff_menu_leads_to_the_page(desk_day: dict[str, Any]) -> None:
    console = client(desk_day["one"].user, "zh-hans").get("/support/console/").content.decode()
    assert re.search(r'<a href="/phone/staff/" data-testid="nav-callbacks">回电预约</a>', console)
    customer = client(desk_day["zhang"]).get("/wallet/").content.decode()
    assert "nav-callbacks" not in customer
