"""A supervisor opens another agent's chat from the supervisor page (the console's one deep
link, ?c=<reference>), watches it (banner, history, customer context, notes only), takes it
over and replies; the agent and the customer are told as after a transfer. An old #conv= link
still opens the same conversation. Screenshots at 1440 and 1024 px (zh-hans), ADR 0128."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from walletdesk.conftest import SCREENSHOTS

from .test_browser import login, open_chat
from .test_console_browser import accept, console_for, send
from .test_workspace_browser import active_testid, serious_axe, watch

pytestmark = pytest.mark.browser


def test_a_supervisor_watches_takes_over_and_replies(live_server_url: str, page_for: Any) -> None:
    url = live_server_url
    customer = page_for("zh-hans")
    login(customer, url, "li.na@example.cn")
    reference, _conv_id = open_chat(customer, url, "payments", "我付给商家的 66 元被扣了两次")
    liu = console_for(page_for("zh-hans"), url, "liu.yang@walletdesk.example")
    accept(liu, reference)
    send(liu, "您好，我是刘洋，正在为您核对这两笔扣款。")
    customer.get_by_test_id("chat-log").get_by_text("正在为您核对").wait_for()

    # The supervisor page lists the conversation; its reference opens it in the console.
    boss = page_for("zh-hans")
    boss.set_viewport_size({"width": 1440, "height": 900})
    login(boss, url, "chen.jing@walletdesk.example")
    boss.goto(f"{url}/support/supervisor/")
    header = boss.get_by_test_id("sv-updated").inner_text()
    assert "）" not in header.replace("（UTC+8）", "") and "））" not in header, header
    bad = watch(boss)
    boss.get_by_test_id(f"recent-link-{reference}").click()
    boss.wait_for_url(re.compile(r".*/support/console/\?c=" + re.escape(reference) + "$"))

    # Watch mode: who handles it, the history, the customer's context, notes only.
    banner = boss.get_by_test_id("watch-banner")
    expect(banner).to_be_visible(timeout=15000)
    expect(boss.get_by_test_id("watch-text")).to_contain_text("刘洋")
    expect(boss.get_by_test_id("watch-text")).to_contain_text("WD2048")
    expect(boss.get_by_test_id("current-reference")).to_have_text(reference)
    log = boss.get_by_test_id("agent-log")
    log.get_by_text("被扣了两次").wait_for()
    log.get_by_text("正在为您核对").wait_for()
    boss.get_by_test_id("context-panel").get_by_text("李娜").first.wait_for()
    expect(boss.get_by_test_id("watching").get_by_test_id(f"conv-{reference}")).to_be_visible()
    assert boss.get_by_test_id("as-note").is_checked() and boss.get_by_test_id("as-note").is_disabled()
    for tid in ("transfer", "resolve", "canned"):
        assert boss.get_by_test_id(tid).is_disabled(), tid
    assert "刘洋" in (boss.get_by_test_id("agent-text").get_attribute("placeholder") or "")
    assert not serious_axe(boss), serious_axe(boss)
    # A note for the agent while watching: the agent reads it, the customer never does.
    send(boss, "先核对商户那边是否已退款。", note=True)
    liu.get_by_test_id("agent-log").get_by_text("先核对商户那边").wait_for()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    boss.screenshot(path=str(SCREENSHOTS / "supervisor-watch-1440.png"))
    boss.set_viewport_size({"width": 1024, "height": 768})
    expect(banner).to_be_visible()
    boss.get_by_test_id("take-over").scroll_into_view_if_needed()
    assert boss.get_by_test_id("take-over").is_visible()
    boss.screenshot(path=str(SCREENSHOTS / "supervisor-watch-1024.png"))

    # An old link (#conv=<reference>) opens the same conversation and becomes ?c=.
    boss.goto(f"{url}/support/console/#conv={reference}")
    boss.wait_for_url(re.compile(r".*/support/console/\?c=" + re.escape(reference) + "$"))
    expect(banner).to_be_visible(timeout=15000)
    boss.set_viewport_size({"width": 1440, "height": 900})

    # Take over asks first, naming the conversation and the agent; Cancel (or Esc) changes
    # nothing and gives the focus back to the button.
    boss.get_by_test_id("take-over").click()
    confirm = boss.get_by_test_id("take-over-confirm")
    expect(confirm).to_be_visible()
    expect(boss.get_by_test_id("take-over-q")).to_contain_text(reference)
    expect(boss.get_by_test_id("take-over-q")).to_contain_text("刘洋")
    assert active_testid(boss) == "take-over-yes"
    boss.get_by_test_id("take-over-no").click()
    expect(confirm).to_be_hidden()
    assert active_testid(boss) == "take-over"
    boss.get_by_test_id("take-over").click()
    boss.keyboard.press("Escape")
    expect(confirm).to_be_hidden()
    expect(banner).to_be_visible()
    assert active_testid(boss) == "take-over"
    # Take over: the chat is the supervisor's; the agent and the customer are told. The log on
    # screen stays as it is (drawn again, it flashed empty).
    boss.evaluate("""() => { window.emptied = 0;
        const log = document.querySelector('[data-testid=agent-log]');
        new MutationObserver(() => { if (!log.querySelector('[data-testid=msg-text]')) window.emptied++; })
            .observe(log, { childList: true, subtree: true }); }""")
    boss.get_by_test_id("take-over").click()
    boss.get_by_test_id("take-over-yes").click()
    expect(banner).to_be_hidden(timeout=15000)
    expect(boss.get_by_test_id("mine").get_by_test_id(f"conv-{reference}")).to_be_visible(timeout=15000)
    expect(boss.get_by_test_id("as-note")).not_to_be_checked()
    expect(boss.get_by_test_id("console-live")).to_contain_text("刘洋", timeout=5000)
    expect(liu.get_by_test_id("chat-warning")).to_contain_text("WD1001", timeout=15000)
    liu.wait_for_function(
        "ref => !document.querySelector('[data-testid=mine] [data-testid=conv-' + ref + ']')", arg=reference)
    customer.wait_for_function(
        "() => document.querySelector('[data-testid=chat-status]').innerText.includes('WD1001')")
    send(boss, "您好，我是主管陈静，由我来继续处理。")
    clog = customer.get_by_test_id("chat-log")
    clog.get_by_text("由我来继续处理").wait_for()
    assert clog.get_by_test_id("employee-id").last.inner_text() == "WD1001"
    assert "先核对商户那边" not in clog.inner_text()
    boss.get_by_test_id("agent-log").get_by_text("由我来继续处理").wait_for()
    assert boss.evaluate("window.emptied") == 0
    boss.screenshot(path=str(SCREENSHOTS / "supervisor-took-over-1440.png"))
    assert not serious_axe(boss), serious_axe(boss)
    assert not bad, bad
