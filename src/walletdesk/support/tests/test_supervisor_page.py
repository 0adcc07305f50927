"""The supervisor view as a support lead reads it: who waits now (only the queues and languages
where someone waits, the longest first, with a total; one line when nobody does), each queue's
cover, the agents by state (on duty, full, away, not connected, offline) with their load, the
service levels that breached or are about to, and the recent conversations with when (in
words), who, the status and a link into the console. Both languages, no codes."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import translation

from walletdesk.core import clock
from walletdesk.servicelevels import services as sla
from walletdesk.servicelevels.models import Event
from walletdesk.support import services, supervision
from walletdesk.support.models import Agent, Conversation
from walletdesk.support.services import conversations

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 12, 7, 14, 30, tzinfo=SH)  # a Monday afternoon, the desk open
TAGS = re.compile(r"<[^>]+>")
CODES = ("account_security", "account_locked", "senior_agent", ">supervisor<", "zh-hans<", ">yue<",
         ">online<", ">away<", ">offline<", ">queued<", ">active<", ">breached<", ">warning<", ">30<")


def table(html: str, testid: str) -> str:
    """The markup of the table (or element) with that data-testid, up to its end."""
    start = html.index(f'data-testid="{testid}"')
    return html[start:html.index("</table>", start)]


def rows(part: str) -> list[str]:
    """Each body row of a table as its visible text, cells joined by " | "."""
    body = part.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    out = []
    for tr in body.split("<tr")[1:]:
        tr = tr.split(">", 1)[1]  # past the row's own attributes
        cells = [re.sub(r"\s+", " ", TAGS.sub(" ", c)).strip() for c in re.split(r"</t[dh]>", tr)]
        out.append(" | ".join(c for c in cells if c))
    return out


def page(user: Any, lang: str = "zh-hans") -> str:
    c = Client(headers={"Accept-Language": lang})
    c.force_login(user)
    r = c.get("/support/supervisor/")
    assert r.status_code == 200
    html = r.content.decode()
    assert b"style=" not in r.content and b"<script>" not in r.content  # CSP: nothing inline
    for code in CODES:
        assert code not in html, code
    return html


def open_at(when: datetime, customer: Any, topic: str) -> Conversation:
    with clock.frozen(when):
        return conversations.open_conversation(customer, topic=topic, message="请帮我看看",
                                               use_triage=False).conversation


@pytest.fixture
def boss(make_agent: Any) -> Agent:
    with clock.frozen(NOW):
        return make_agent(["payments", "refunds"], ["zh-hans", "en"], role="supervisor", cap=3,
                          name="陈静", latin="Chen Jing")


def test_nobody_waiting_is_one_line_and_each_queue_shows_its_cover(boss: Agent) -> None:
    with clock.frozen(NOW):
        html = page(boss.user)
        en = page(boss.user, "en")
    assert 'data-testid="queues"' not in html  # no table of zeros
    assert 'data-testid="queues-none"' in html and "当前没有人在排队。" in html
    assert "Nobody is waiting." in en
    assert 'data-testid="kpi-waiting">0<' in html and 'data-testid="kpi-longest">—<' in html
    assert "空闲接待位 3 个" in html and "3 free chat places" in en  # plural forms in both
    cover = rows(table(html, "cover"))
    assert [r.split(" | ")[0] for r in cover] == ["支付", "退款", "账户安全", "技术问题", "综合"]
    # Traditional Chinese is served by Simplified Chinese agents too (routing.SERVED_BY): Cantonese is not.
    assert cover[0] == "支付 | 1 | 3 | 40 秒 | 粤语"
    assert cover[2] == "账户安全 | 无人 | 0 | — | 全部"
    assert "Languages not covered" in en
    assert "Account security | nobody | 0 | — | All" in rows(table(en, "cover"))


def test_no_agent_on_duty_says_so(make_agent: Any) -> None:
    with clock.frozen(NOW):
        boss = make_agent(role="supervisor", online=False)
        html = page(boss.user)
    assert 'data-testid="cover"' not in html and "没有在岗客服：现在无人能接待会话。" in html
    assert 'data-testid="kpi-on-duty">0<' in html


def test_only_queues_where_someone_waits_the_longest_first_with_a_total(
        boss: Agent, make_customer: Any) -> None:
    open_at(NOW - timedelta(minutes=5), make_customer(language="en"), "refunds")
    open_at(NOW - timedelta(minutes=20), make_customer(), "payments")
    open_at(NOW - timedelta(minutes=12), make_customer(), "payments")
    open_at(NOW - timedelta(minutes=2), make_customer(), "technical")  # nobody on duty for it
    late = open_at(NOW - timedelta(hours=10), make_customer(), "payments")
    Conversation.objects.filter(pk=late.pk).update(after_hours=True)  # left at night: held apart
    with clock.frozen(NOW):
        html, en = page(boss.user), page(boss.user, "en")
    waiting = table(html, "queues")
    assert rows(waiting) == ["支付 | 简体中文 | 2 | 20 分钟 | 1 | 2 分钟",
                             "退款 | 英语 | 1 | 5 分钟 | 1 | 1 分钟",
                             "技术问题 | 简体中文 | 1 | 2 分钟 | 无人 | —"]
    assert waiting.count('class="row-bad"') == 1
    assert 'data-testid="queues-total"' in waiting
    assert re.sub(r"\s+", " ", TAGS.sub(" ", waiting.split("<tfoot>")[1])).split() == [
        "合计", "4", "20", "分钟"]
    assert 'data-testid="kpi-waiting">4<' in html and 'data-testid="kpi-longest">20 分钟<' in html
    assert "其中 1 个无在岗客服可接" in html and 'data-testid="kpi-after-hours">1<' in html
    assert rows(table(en, "queues"))[1] == "Refunds | English | 1 | 5 min | 1 | 1 min"
    assert "1 with nobody on duty for them" in en and "Longest wait" in en


def test_one_queue_waiting_has_no_total_row(boss: Agent, make_customer: Any) -> None:
    open_at(NOW - timedelta(minutes=3), make_customer(), "payments")
    with clock.frozen(NOW):
        html = page(boss.user)
    assert len(rows(table(html, "queues"))) == 1 and "queues-total" not in html
    assert "分布在 1 个队列" in html


def test_agents_by_state_with_their_load_and_when_last_seen(
        boss: Agent, make_agent: Any, make_customer: Any) -> None:
    with clock.frozen(NOW - timedelta(minutes=30)):
        lost = make_agent(name="赵敏", latin="Zhao Min")  # online, then the console went quiet
    with clock.frozen(NOW):
        full = make_agent(["payments"], name="王磊", latin="Wang Lei", cap=1)
        away = make_agent(["payments"], name="刘洋", latin="Liu Yang")
        off = make_agent(name="黄文慧", latin="Mandy Wong", online=False)
        conversations.accept(full, conversations.open_conversation(
            make_customer(), topic="payments", message="转账没到账", use_triage=False).conversation)
        conversations.accept(away, conversations.open_conversation(
            make_customer(), topic="payments", message="扣了两次钱", use_triage=False).conversation)
        services.heartbeat(away, Agent.Status.AWAY)
        html, en = page(boss.user), page(boss.user, "en")
    agents = rows(table(html, "agents"))
    names = [r.split(" | ")[0] for r in agents]
    assert names == [f"陈静 工号 {boss.employee_id}", f"王磊 工号 {full.employee_id}",
                     f"刘洋 工号 {away.employee_id}", f"赵敏 工号 {lost.employee_id}",
                     f"黄文慧 工号 {off.employee_id}"]
    assert [r.split(" | ")[2] for r in agents] == ["在岗", "已接满", "暂时离开", "未连接", "离线"]
    assert [r.split(" | ")[3] for r in agents] == ["0 / 3", "1 / 1", "1 / 3", "0 / 3", "0 / 3"]
    assert [r.split(" | ")[-1] for r in agents] == ["刚刚", "刚刚", "刚刚", "30 分钟前", "从未上线"]
    # a chat held by an agent who is not on duty: nobody answers it now; the row stands out
    assert f'data-testid="sv-agent-{away.employee_id}" class="row-bad"' in html
    assert table(html, "agents").count('class="row-bad"') == 1
    assert "最近在线" in html and "最近使用" not in html  # the agent's word, not a device's
    assert "（2 人在岗，1 人暂时离开，2 人离线）" in html
    # Chats in progress count the agents on duty; the one with an away agent is told apart.
    assert 'data-testid="kpi-load">1 / 4<' in html and "另有 1 个会话的客服不在岗" in html
    states = [r.split(" | ")[2] for r in rows(table(en, "agents"))]
    assert states == ["On duty", "Full", "Away", "Not connected", "Offline"]
    assert "Chen Jing" in en and "Mandy Wong" in en and "30 min ago" in en and "never" in en
    assert "1 more with agents not on duty" in en


def test_recent_conversations_say_when_who_and_link_into_the_console(
        boss: Agent, make_customer: Any) -> None:
    older = open_at(datetime(2026, 12, 5, 9, 5, tzinfo=SH), make_customer(display_name="李娜"), "refunds")
    with clock.frozen(datetime(2026, 12, 5, 9, 5, tzinfo=SH)):
        conversations.accept(boss, older)
    with clock.frozen(datetime(2026, 12, 5, 9, 40, tzinfo=SH)):
        conversations.resolve(boss, older)
    yesterday = open_at(datetime(2026, 12, 6, 21, 15, tzinfo=SH), make_customer(display_name="张伟"),
                        "payments")
    fresh = open_at(NOW - timedelta(minutes=5), make_customer(display_name="Alice Chen"), "account_locked")
    held = open_at(NOW - timedelta(seconds=20), make_customer(display_name="王芳"), "payments")
    Conversation.objects.filter(pk=held.pk).update(after_hours=True)
    Conversation.objects.filter(pk=older.pk).update(rating=2)
    with clock.frozen(NOW):
        html, en = page(boss.user), page(boss.user, "en")
    recent = table(html, "recent")
    assert rows(recent) == [
        f"{held.reference} | 刚刚 | 王芳 | 非工作时间留言 | 支付 | 尚未接入",
        f"{fresh.reference} | 5 分钟前 | Alice Chen | 排队中 | 账户安全 紧急 | 尚未接入",
        f"{yesterday.reference} | 昨天 21:15 | 张伟 | 排队中 | 支付 | 尚未接入",
        f"{older.reference} | 12月5日 09:40 | 李娜 | 已解决 | 退款 | 陈静 {boss.employee_id} | 2/5"]
    for conv in (held, fresh, yesterday, older):
        assert f'href="/support/console/?c={conv.reference}"' in recent
    assert '<time datetime="2026-12-05T09:40:00+08:00" title="2026-12-05 09:40:00"' in recent
    assert '<span class="sv-low">2/5</span>' in recent  # a poor rating stands out
    assert "最近动态" in html
    english = rows(table(en, "recent"))
    assert english[0].split(" | ")[1:4] == ["just now", "王芳", "Left after hours"]
    assert english[1].split(" | ")[1] == "5 min ago" and english[2].split(" | ")[1] == "Yesterday 21:15"
    assert english[3].split(" | ")[1] == "Dec 5, 09:40" and f"Chen Jing {boss.employee_id}" in english[3]


def test_service_levels_that_breached_or_are_about_to_and_the_last_days_events(
        boss: Agent, make_customer: Any) -> None:
    old = open_at(NOW - timedelta(days=3), make_customer(), "account_locked")
    with clock.frozen(NOW - timedelta(days=3) + timedelta(minutes=30)):
        sla.check()  # breached three days ago, then handled
        conversations.accept(boss, old)
        conversations.resolve(boss, old)
    urgent = open_at(NOW - timedelta(minutes=40), make_customer(), "account_locked")  # 15 min target
    normal = open_at(NOW - timedelta(minutes=50), make_customer(), "payments")  # 60 min, warned at 48
    calm = open_at(NOW - timedelta(minutes=5), make_customer(), "payments")
    with clock.frozen(NOW):
        sla.check()
        html, en = page(boss.user), page(boss.user, "en")
    assert Event.objects.filter(conversation=old, kind="breach").exists()
    risk = table(html, "sla-at-risk")
    assert rows(risk) == [
        f"{urgent.reference} 排队中 | 已超时 | 首次响应 已超时 25 分钟 | 账户安全 · 紧急 | 尚未接入",
        f"{normal.reference} 排队中 | 即将超时 | 首次响应 还剩 10 分钟 | 支付 · 普通 | 尚未接入"]
    assert f'href="/support/console/?c={urgent.reference}"' in risk and calm.reference not in risk
    assert risk.count('class="row-bad"') == 1
    assert 'data-testid="kpi-breached">1<' in html and "1 个即将超时" in html
    assert "（1 个已超时，1 个即将超时）" in html
    events = table(html, "sla-events")
    assert old.reference not in events  # three days ago: in the desk reports, not here
    assert f'href="/support/console/?c={urgent.reference}" data-testid="sla-event-link"' in events
    # the normal one's warning; the urgent one's breach (at 15 min) and warning (at 12 min)
    assert [r.split(" | ")[0] for r in rows(events)] == ["2 分钟前", "25 分钟前", "28 分钟前"]
    assert '/support/reports/' in html.split('data-testid="sla-supervisor"')[1]
    english = rows(table(en, "sla-at-risk"))
    assert "First response overdue by 25 min" in english[0] and "First response due in 10 min" in english[1]
    assert "Warnings and breaches in the last 24 hours" in en and "1 close to breach" in en


def test_times_and_lengths_in_words() -> None:
    def words(at: datetime, lang: str) -> str:
        with translation.override(lang), clock.frozen(NOW):
            from django.utils import timezone
            with timezone.override(SH):
                return supervision.moment(at).text

    assert [words(NOW - d, "zh-hans") for d in (timedelta(seconds=10), timedelta(minutes=59),
                                               timedelta(hours=3))] == ["刚刚", "59 分钟前", "11:30"]
    assert words(datetime(2026, 1, 2, 8, 0, tzinfo=SH), "zh-hans") == "1月2日 08:00"
    assert words(datetime(2025, 12, 31, 23, 59, tzinfo=SH), "zh-hans") == "2025年12月31日 23:59"
    assert words(datetime(2025, 12, 31, 23, 59, tzinfo=SH), "en") == "Dec 31, 2025, 23:59"
    assert words(NOW - timedelta(days=1), "en") == "Yesterday 14:30"
    with translation.override("zh-hans"):
        assert supervision.span(26 * 3600 + 600) == "1 天 2 小时" and supervision.span(None) == "—"
    with translation.override("en"):
        assert supervision.span(3 * 3600 + 15 * 60) == "3 h 15 min" and supervision.span(45) == "45 s"


def test_the_page_reads_in_a_bounded_number_of_queries(boss: Agent, make_agent: Any,
                                                        make_customer: Any) -> None:
    """Refreshed every 15 s by every supervisor: the statements do not grow with the agents,
    queues or conversations shown."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count() -> int:
        c = Client()
        c.force_login(boss.user)
        with clock.frozen(NOW), CaptureQueriesContext(connection) as q:
            assert c.get("/support/supervisor/").status_code == 200
        return len(q)

    with clock.frozen(NOW):
        make_agent(["refunds"], ["en"])
    open_at(NOW - timedelta(minutes=20), make_customer(), "payments")
    few = count()
    with clock.frozen(NOW):
        for skill in ("technical", "general", "account_security"):
            conversations.accept(make_agent([skill], ["zh-hans", "en"]), open_at(
                NOW - timedelta(minutes=50), make_customer(), skill))
    for topic in ("refunds", "technical", "general"):
        open_at(NOW - timedelta(minutes=30), make_customer(language="en"), topic)
    with clock.frozen(NOW):
        sla.check()
    many = count()
    assert many == few <= 14
