"""The staff callbacks page in a real browser, in zh-hans, as the supervisor: at 390 px one card
per callback and no sideways scrolling, at 1440 px a table that uses the width; axe-core finds
nothing serious; words, never codes or full numbers; the row opens the console on its
conversation. Screenshots for docs/screenshots/."""

from __future__ import annotations

import re
from typing import Any

import pytest

from walletdesk.conftest import SCREENSHOTS, in_live_db
from walletdesk.conftest import browser_login as login

pytestmark = pytest.mark.browser
SNAKE = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
         "device_scale_factor": 2}
DESKTOP = {"viewport": {"width": 1440, "height": 900}}
# Callbacks owned by two agents who are not on duty (so that no other browser test's routing
# meets them), and two not taken yet, held until slots in the future.
SETUP = """
from datetime import timedelta
from walletdesk.accounts.models import User
from walletdesk.core import clock
from walletdesk.directory.models import Channel
from walletdesk.phone import codes
from walletdesk.phone.models import Call, Callback
from walletdesk.support.models import Agent, Conversation
from walletdesk.support.services import conversations, save_agent

def staff(email, name, employee_id):
    user = User.objects.filter(email=email).first() or User.objects.create_user(
        email, 'x-unused-password-2026', role='agent', display_name=name)
    return Agent.objects.filter(user=user).first() or save_agent(Agent(
        user=user, display_name=name, employee_id=employee_id, skills=['general'],
        languages=['zh-hans']))

def customer(email, name, phone):
    return User.objects.filter(email=email).first() or User.objects.create_user(
        email, 'x-unused-password-2026', display_name=name, phone=phone, language='zh-hans')

zhou, sun = staff('zhou.min@walletdesk.example', '周敏', 'WD9701'), staff(
    'sun.hao@walletdesk.example', '孙浩', 'WD9702')
line = Channel.objects.filter(kind='phone', region__code='CN').order_by('pk').first()
now = clock.now().replace(second=0, microsecond=0)
quarter = now - timedelta(minutes=now.minute % 15)
rows = [
    ('cb.overdue@example.cn', '赵敏', '+8613700137001', 'missing_money',
     '我转给家人的 500 元一直没到账，请尽快回电',
      quarter - timedelta(minutes=45), zhou, 'scheduled', 1),
    ('cb.soon@example.cn', '钱程', '+8613700137002', 'account_locked', '账户被锁了，登录不了，急需处理',
      quarter + timedelta(minutes=15), sun, 'scheduled', 0),
    ('cb.later@example.cn', '孙丽', '+8613700137003', 'refunds', '商家答应退款但还没收到',
      quarter + timedelta(hours=3), None, 'scheduled', 0),
    ('cb.next@example.cn', '李雷', '+8613700137004', 'payments', '想问一下跨境汇款的手续费',
      quarter + timedelta(days=2), None, 'scheduled', 0),
    ('cb.done@example.cn', '周杰', '+8613700137005', 'technical', '应用打不开',
      quarter - timedelta(hours=5), zhou, 'done', 1),
]
for email, name, phone, topic, text, slot, owner, status, attempts in rows:
    if Callback.objects.filter(customer__email=email).exists():
        continue
    u = customer(email, name, phone)
    hold = slot if owner is None else now + timedelta(days=1)  # never offered by routing
    conv = conversations.open_conversation(u, topic=topic, message=text, use_triage=False,
                                           channel=Conversation.Channel.PHONE,
                                           hold_until=hold).conversation
    if owner is not None:
        Conversation.objects.filter(pk=conv.pk).update(agent=owner, status='active',
                                                          after_hours=False)
    cb = Callback.objects.create(conversation=conv, customer=u, line=line, number=phone,
                                 slot_start=slot, seat=9, code_salt=codes.new_salt(),
                                 status=status, attempts=attempts)
    if attempts and status == 'scheduled':
        Call.objects.create(callback=cb, conversation=conv, agent=owner, provider='dev',
                            status='no_answer', outcome='no_answer', logged_at=clock.now(),
                            started_at=clock.now() - timedelta(minutes=20))
"""


def test_staff_callbacks_page_on_a_phone_and_a_desktop(live_server_url: str, browser: Any,
                                                       tmp_path_factory: Any) -> None:
    from axe_playwright_python.sync_playwright import Axe

    in_live_db(tmp_path_factory, SETUP)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for name, options in (("phone", PHONE), ("desktop", DESKTOP)):
        ctx = browser.new_context(locale="zh-CN", **options)
        try:
            page = ctx.new_page()
            bad: list[str] = []
            page.on("response", lambda r, bad=bad: bad.append(f"{r.status} {r.url}")
                    if r.status >= 400 else None)
            login(page, live_server_url, "chen.jing@walletdesk.example")
            page.goto(f"{live_server_url}/phone/staff/")
            due = page.get_by_test_id("cbd-group-due")
            due.wait_for()
            assert "现在该打和已逾期" in due.inner_text()
            overdue = due.locator("tr.is-overdue", has_text="赵敏")
            assert overdue.count() == 1
            text = overdue.inner_text()
            assert "已逾期" in text and "+86 ••• •••• 7001" in text and "周敏" in text
            assert "上次通话：无人接听" in text and "我转给家人的 500 元" in text
            assert page.get_by_test_id("cbd-group-later").get_by_text("李雷").count() == 1
            body = page.inner_text("body")
            assert "13700137001" not in body and "137 0013 7001" not in body
            assert not SNAKE.findall(body), SNAKE.findall(body)
            assert "Asia/Shanghai" not in body and "北京时间（UTC+8）" in body
            width = page.evaluate("() => [document.documentElement.scrollWidth, innerWidth]")
            assert width[0] <= width[1], f"{width[0]} px wide on a {width[1]} px screen"
            if name == "phone":
                # one card per callback: the time and the status badge share the first line
                row = overdue.first
                time_box = row.locator(".cbd-time").bounding_box()
                status_box = row.locator(".cbd-status .badge").bounding_box()
                assert abs(time_box["y"] - status_box["y"]) < 8, (time_box, status_box)
                assert row.get_by_test_id("cbd-open").bounding_box()["height"] >= 44
            else:
                table = due.locator("table").bounding_box()
                assert table["width"] >= 0.8 * 1440, table
                assert page.locator("thead th").first.is_visible()
            found = Axe().run(page, options={"resultTypes": ["violations"]}).response["violations"]
            serious = [f"{v['id']}: {[n['target'] for n in v['nodes']][:3]}" for v in found
                       if v["impact"] in {"serious", "critical"}]
            assert not serious, serious
            page.screenshot(path=str(SCREENSHOTS / f"{name}-staff-callbacks.png"), full_page=True)
            if name == "desktop":
                page.get_by_test_id("filter-agent").select_option(label="周敏 · WD9701")
                page.get_by_test_id("filter-status").select_option("all")
                page.get_by_test_id("filter-apply").click()
                page.wait_for_url(re.compile(r".*agent=\d+.*status=all"))
                names = page.get_by_test_id("cbd-customer").all_inner_texts()
                assert sorted(names) == ["周杰", "赵敏"], names
                link = page.get_by_test_id("cbd-open").first
                ref = page.locator("[data-testid=cbd-row]").first.get_attribute("data-reference")
                link.click()
                page.wait_for_url(re.compile(r".*/support/console/\?c=\d+$"))
                page.get_by_test_id("current-reference").get_by_text(ref).wait_for()
            assert not bad, bad
        finally:
            ctx.close()
