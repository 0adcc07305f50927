"""The staff workspace at 1440×900 in a real browser: the console, the supervisor view and the
reports use the width, pass axe-core without serious or critical findings, show words instead
of codes, raise no failed request or console error, and the console works from the keyboard
(move, accept, reply, note, help, transfer). Screenshots for docs/screenshots/."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from walletdesk.conftest import SCREENSHOTS
from walletdesk.conftest import browser_login as login

from .test_browser import open_chat

pytestmark = pytest.mark.browser

VIEWPORT = {"width": 1440, "height": 900}
SNAKE = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")


def watch(page: Any) -> list[str]:
    """Every failed request, every answer >= 400 and every console error of the page. A request
    the browser gave up because the page navigated away (net::ERR_ABORTED: a read still on its
    way when a test opens another address) is not a failure of the page."""
    bad: list[str] = []
    page.on("requestfailed", lambda r: None if r.failure == "net::ERR_ABORTED"
            else bad.append(f"failed {r.method} {r.url} ({r.failure})"))
    page.on("response", lambda r: bad.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.on("console", lambda m: bad.append(f"console {m.text}") if m.type == "error" else None)
    return bad


def serious_axe(page: Any) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    found = Axe().run(page).response["violations"]
    return [f"{v['impact']} {v['id']}: {[n['target'] for n in v['nodes']][:3]}" for v in found
            if v["impact"] in ("serious", "critical")]


def width_share(page: Any, selector: str) -> float:
    box = page.evaluate(f"document.querySelector('{selector}').getBoundingClientRect().width")
    return float(box) / VIEWPORT["width"]


def active_testid(page: Any) -> str:
    return str(page.evaluate("document.activeElement && document.activeElement.dataset.testid || ''"))


@pytest.mark.parametrize("lang,customer_login,shot", [
    ("zh-hans", "li.na@example.cn", "agent-console.png"),
    ("en", "alice@example.com", "agent-console-en.png")])
def test_console_workspace_by_keyboard(live_server_url: str, page_for: Any, lang: str,
                                       customer_login: str, shot: str) -> None:
    url = live_server_url
    customer = page_for(lang)
    login(customer, url, customer_login)
    text = "扫码付款扣了两次钱，请帮我看看" if lang == "zh-hans" else "I was charged twice for one payment"
    reference, _conv_id = open_chat(customer, url, "payments", text)

    agent = page_for(lang)
    agent.set_viewport_size(VIEWPORT)
    login(agent, url, "liu.yang@walletdesk.example")  # staff land on the console
    bad = watch(agent)
    item = agent.get_by_test_id("queue").get_by_test_id(f"conv-{reference}")
    item.wait_for()
    assert width_share(agent, "#console") >= 0.85
    # The panes fill the window and scroll by themselves: the page itself never scrolls.
    assert agent.evaluate("document.documentElement.scrollHeight <= innerHeight + 1")
    # Nothing picked yet: one line says what to do, no empty chat, composer or customer card.
    assert agent.locator("#conv-none").is_visible()
    assert agent.get_by_test_id("ctx-none").is_visible()  # the right pane says what comes there
    assert not agent.get_by_test_id("agent-text").is_visible()
    assert not agent.get_by_test_id("context-panel").locator(".conv-only").first.is_visible()
    assert item.get_attribute("tabindex") == "0"  # reachable with Tab

    # J moves through the list (with focus on the item) and selects; the context fills in words.
    for _ in range(12):
        agent.keyboard.press("j")
        if active_testid(agent) == f"conv-{reference}":
            break
    assert active_testid(agent) == f"conv-{reference}"
    agent.get_by_test_id("current-reference").get_by_text(reference).wait_for()
    # The pane is headed by who wrote, as an inbox's; the reference follows the topic.
    name = "李娜" if lang == "zh-hans" else "Alice Chen"
    assert agent.get_by_role("heading", level=2, name=name).is_visible()
    assert agent.locator("section.pane-conv").get_attribute("aria-labelledby") == "cur-who"
    assert not agent.get_by_test_id("ctx-none").is_visible()
    account = agent.get_by_test_id("ctx-account")
    account.wait_for()
    agent.get_by_test_id("ctx-txns").locator("li").first.wait_for()
    first_txn = agent.get_by_test_id("ctx-txns").locator("li").first.inner_text()
    # "Payment · City Metro −¥6.00"
    assert re.search(r"[+−](?:HK|US)?[¥$]\d[\d,]*\.\d\d", first_txn), first_txn
    # Time, type and status in words, the reference the customer reads out; the internal id
    # only behind the copy button.
    assert re.search(r"\d{4} \d{4} \d{4} \d{4}", first_txn) and "tx_" not in first_txn, first_txn
    copy_id = agent.get_by_test_id("ctx-txns").get_by_test_id("ctx-copy-id").first
    assert copy_id.get_attribute("data-copy-text").startswith("tx_")

    agent.keyboard.press("a")  # accept
    agent.get_by_test_id("mine").get_by_test_id(f"conv-{reference}").wait_for()
    agent.get_by_test_id("cw-actions").locator("[data-testid^=cw-group-]").first.wait_for()
    assert agent.get_by_test_id("cw-group-payment").get_attribute("class") == "cw-group asked"
    # the customer is told who answers, over the socket, the name set in the sentence
    joined = "正在为您服务的是刘洋，工号 WD2048。" if lang == "zh-hans" else "You are talking to Liu Yang"
    expect(customer.get_by_test_id("chat-status")).to_contain_text(joined, timeout=15000)
    # once it is theirs, the customer's earlier conversations (the demo gives them some)
    earlier = agent.get_by_test_id("ctx-earlier").locator("li")
    earlier.first.wait_for()
    assert agent.get_by_test_id(f"earlier-{reference}").count() == 0  # not this one
    assert re.search(r"CS-\d{8}-\d{6}", earlier.first.inner_text())

    agent.keyboard.press("r")  # reply: the composer has the focus
    assert active_testid(agent) == "agent-text"
    reply = "您好，我来为您核实。" if lang == "zh-hans" else "Hello, I am checking this for you."
    agent.keyboard.type(reply)
    agent.keyboard.press("Enter")
    customer.get_by_test_id("chat-log").get_by_text(reply).wait_for()

    agent.keyboard.press("Escape")
    agent.keyboard.press("n")  # a private note
    assert agent.get_by_test_id("as-note").is_checked() and active_testid(agent) == "agent-text"
    note = "内部备注：两笔扣款待核" if lang == "zh-hans" else "Internal: two debits to check"
    agent.keyboard.type(note)
    agent.keyboard.press("Enter")
    agent.get_by_test_id("agent-log").get_by_text(note).wait_for()

    agent.keyboard.press("Escape")
    agent.keyboard.press("?")
    help_box = agent.get_by_test_id("kb-help")
    assert help_box.is_visible() and help_box.locator("kbd").count() >= 10
    agent.keyboard.press("Escape")
    assert not help_box.is_visible()

    assert not serious_axe(agent), serious_axe(agent)
    visible = agent.inner_text("body")
    assert not SNAKE.findall(visible), SNAKE.findall(visible)
    assert not re.search(r"\bfen\b|in cents|以分为单位", visible)
    # Service-level badges: one line each; a day or more reads in days and hours, not "35 h".
    agent.locator(".sla-badge").first.wait_for()
    badges = agent.eval_on_selector_all(".sla-badge", """els => els.map(e => [e.textContent,
        e.getBoundingClientRect().height / parseFloat(getComputedStyle(e).fontSize), e.title])""")
    for badge_text, ems, title in badges:
        assert ems < 2.2, badge_text  # one line is about 1.3 em tall, two lines 2.6 em
        assert title == badge_text  # the whole text (the state word too) on hover
        hours = re.search(r"(\d+) h \d+ min|(\d+) 小时 \d+ 分钟", badge_text)
        assert not hours or int(hours.group(1) or hours.group(2)) < 24, badge_text
    agent.wait_for_timeout(500)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    agent.screenshot(path=str(SCREENSHOTS / shot))

    agent.keyboard.press("t")  # transfer: the list has the focus, Enter sends it
    assert active_testid(agent) == "transfer-to"
    agent.get_by_test_id("transfer-to").select_option("skill:refunds")
    agent.keyboard.press("Enter")
    agent.get_by_test_id("queue").get_by_test_id(f"conv-{reference}").wait_for()
    assert agent.get_by_test_id("mine").get_by_test_id(f"conv-{reference}").count() == 0
    assert note not in customer.get_by_test_id("chat-log").inner_text()
    assert not bad, bad


def test_selecting_conversations_raises_no_failed_request(live_server_url: str, page_for: Any) -> None:
    """Clicking through every conversation in the lists: no 404 for a missing callback, no
    console error."""
    agent = page_for("zh-hans")
    agent.set_viewport_size(VIEWPORT)
    login(agent, live_server_url, "chen.jing@walletdesk.example")
    bad = watch(agent)
    items = agent.locator("#queue li, #mine li")
    items.first.wait_for()
    for i in range(min(items.count(), 6)):
        ref = items.nth(i).get_attribute("data-testid").removeprefix("conv-")
        items.nth(i).click()
        agent.get_by_test_id("current-reference").get_by_text(ref).wait_for()
        agent.wait_for_timeout(400)
    agent.wait_for_timeout(1000)
    assert not bad, bad


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
@pytest.mark.parametrize("path,shot,selector", [
    ("/support/supervisor/", "supervisor", "#sv-live"),
    ("/support/reports/", "reports", "main")])
def test_supervisor_pages_use_the_width_and_words(live_server_url: str, page_for: Any, lang: str,
                                                  path: str, shot: str, selector: str) -> None:
    page = page_for(lang)
    page.set_viewport_size(VIEWPORT)
    login(page, live_server_url, "chen.jing@walletdesk.example")
    page.goto(live_server_url + path)  # leaving the console cancels its requests: watch after
    bad = watch(page)
    page.reload()
    page.locator(selector).wait_for()
    assert width_share(page, selector) >= 0.85
    assert not serious_axe(page), serious_axe(page)
    visible = page.inner_text("body")
    assert not SNAKE.findall(visible), SNAKE.findall(visible)
    if shot == "supervisor":
        # Only queues where someone waits (no rows of zeros), else one line says nobody does.
        waiting = page.eval_on_selector_all("[data-testid=queues] tbody td:nth-child(3)",
                                            "els => els.map(e => Number(e.textContent))")
        assert all(n >= 1 for n in waiting), waiting
        assert waiting or page.get_by_test_id("queues-none").is_visible()
        assert page.get_by_test_id("cover").count() + page.get_by_test_id("cover-none").count() == 1
        for code in ("senior_agent", "account_security", "zh-hans", "yue"):
            assert code not in visible
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"supervisor{'' if lang == 'zh-hans' else '-en'}.png"))
    assert not bad, bad


HEADER_LINES = """() => [...document.querySelectorAll('[data-testid=agents] th')].map(th => {
  const r = document.createRange(); r.selectNodeContents(th);
  const tops = new Set([...r.getClientRects()].map(x => Math.round(x.top)));
  return [th.textContent.trim(), tops.size];
})"""


@pytest.mark.parametrize("lang", ["en", "zh-hans"])
def test_supervisor_agents_table_reads_from_a_phone_to_1440(live_server_url: str, page_for: Any,
                                                             lang: str) -> None:
    """Every header of the agents table on one line at 1024, 1280 and 1440 px, the table inside
    its card without a scroll bar; on a 390 px phone one card per agent, nothing wider than the
    screen; axe-core clean at each width."""
    page = page_for(lang)
    login(page, live_server_url, "chen.jing@walletdesk.example")
    page.goto(live_server_url + "/support/supervisor/")
    table = page.get_by_test_id("agents")
    table.wait_for()
    short = "zh" if lang == "zh-hans" else "en"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for width in (1440, 1280, 1024):
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_timeout(100)
        wrapped = [t for t, lines in page.evaluate(HEADER_LINES) if lines != 1]
        assert not wrapped, (width, wrapped)
        card = page.evaluate("""() => { const c = document.querySelector('.sv-agents');
            return [c.scrollWidth, c.clientWidth]; }""")
        assert card[0] <= card[1], (width, card)
        assert not serious_axe(page), (width, serious_axe(page))
        if width in (1440, 1024):
            shot = SCREENSHOTS / f"supervisor-agents-{width}-{short}.png"
            page.locator(".sv-agents").screenshot(path=str(shot))
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(100)
    size = page.evaluate("() => [document.documentElement.scrollWidth, innerWidth]")
    assert size[0] <= size[1], size
    assert page.evaluate("""() => getComputedStyle(document.querySelector(
        '[data-testid=agents] tbody tr')).display""") == "block"
    assert not serious_axe(page), serious_axe(page)
    page.locator(".sv-agents").screenshot(path=str(SCREENSHOTS / f"phone-supervisor-agents-{short}.png"))
