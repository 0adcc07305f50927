"""A customer books a callback from the contact hub and sees the session code; an agent in a
second browser context finds it in the queue, starts the call (and is shown the same code),
follows the development provider to "answered", logs the outcome and resolves. Both languages."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from walletdesk.conftest import SCREENSHOTS, browser_login

pytestmark = pytest.mark.browser
# The CN account-security line is open around the clock: a slot is always a few minutes away.
SECURITY_LINE = "+862160101024"


def login(page: Any, url: str, who: str) -> None:
    browser_login(page, url, who, lands=r".*/(wallet|support)/.*$")


@pytest.mark.parametrize(("lang", "customer", "agent", "words"), [
    ("zh-hans", "li.na@example.cn", "wang.lei@walletdesk.example",
     {"book": "预约回电", "code": "会话码", "logged": "通话已记录"}),
    ("en", "alice@example.com", "rachel.lim@walletdesk.example",
     {"book": "Request a callback", "code": "Session code", "logged": "Call logged."}),
], ids=["zh-hans", "en"])
def test_callback_with_session_code_end_to_end(live_server_url: str, page_for: Any, lang: str,
                                               customer: str, agent: str, words: dict[str, str]) -> None:
    url, suffix = live_server_url, "" if lang == "zh-hans" else "-en"
    me = page_for(lang)
    login(me, url, customer)
    me.goto(f"{url}/contact/?region=CN")
    me.locator(f'[data-testid="channel-phone"][data-value="{SECURITY_LINE}"]').get_by_test_id(
        "request-callback").click()
    assert words["book"] in me.locator("h1").inner_text()
    # The earliest slot (the agent's queue shows a callback only as its slot comes near).
    values = me.get_by_test_id("book-slot").locator("option").evaluate_all("os => os.map(o => o.value)")
    earliest = min((v for v in values if v), key=datetime.fromisoformat)
    me.get_by_test_id("book-slot").select_option(earliest)
    # The region's phone forecast is the hotline's (its callbacks): this line offers no
    # "quietest times" borrowed from it (directory.forecast.owns).
    assert me.get_by_test_id("book-quiet").count() == 0
    me.get_by_test_id("book-topic").select_option("general")
    me.get_by_test_id("book-message").fill("有一笔付款我不认识，请回电" if lang == "zh-hans"
                                           else "A payment I do not recognise, please call me")
    me.get_by_test_id("book-submit").click()
    me.wait_for_url(re.compile(r".*/phone/callbacks/$"))
    box = me.locator("[data-callback-id]").first
    code = box.get_by_test_id("session-code").inner_text().strip()
    assert re.fullmatch(r"\d{6}", code), code
    assert words["code"] in box.inner_text()
    reference = re.search(r"CS-\d{8}-\d{6}", me.locator(".card").first.inner_text()).group(0)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    me.screenshot(path=str(SCREENSHOTS / f"phone-callback-code{suffix}.png"), full_page=True)

    # The agent's browser runs in another zone than the agent's own: the console still shows
    # times in the agent's zone (its data-tz), as the server pages do.
    desk = page_for(lang, timezone_id="America/Sao_Paulo")
    login(desk, url, agent)
    desk.goto(f"{url}/support/console/")
    item = desk.get_by_test_id(f"conv-{reference}")
    item.locator(".phone-due").wait_for()  # the queue shows when the callback is due
    zone = ZoneInfo(desk.locator("#console").get_attribute("data-tz"))
    slot = datetime.fromisoformat(earliest)
    assert slot.tzinfo is not None, earliest
    assert slot.astimezone(zone).strftime("%H:%M") in item.locator(".phone-due").inner_text()
    item.locator(".sla-badge").wait_for()  # and its service-level state
    item.click()
    panel = desk.get_by_test_id("phone-panel")
    panel.get_by_test_id("start-call").wait_for()
    assert slot.astimezone(zone).strftime("%H:%M") in panel.get_by_test_id("phone-due").inner_text()
    assert code not in panel.inner_text()  # not before the call starts
    # the callback comes first in the pane, above the customer's cards, in the page's punctuation
    assert desk.evaluate("() => !!(document.getElementById('phone-panel').compareDocumentPosition("
                         "document.getElementById('ctx')) & Node.DOCUMENT_POSITION_FOLLOWING)")
    label = panel.locator("#phone-number-label").inner_text()
    assert label == ("号码：" if lang == "zh-hans" else "Number: ")
    panel.get_by_test_id("start-call").click()
    shown = panel.get_by_test_id("agent-session-code")
    shown.wait_for()
    assert shown.inner_text().strip() == code
    panel.locator('[data-testid="phone-status"][data-status="answered"]').wait_for(timeout=20000)
    desk.screenshot(path=str(SCREENSHOTS / f"phone-agent-call{suffix}.png"), full_page=True)
    panel.get_by_test_id("call-outcome").select_option("reached")
    panel.get_by_test_id("call-notes").fill("已核实身份，付款为本人订阅" if lang == "zh-hans"
                                            else "Verified; the payment was her own subscription")
    panel.get_by_test_id("log-call").click()
    panel.get_by_test_id("phone-msg").get_by_text(words["logged"]).wait_for()
    panel.locator('[data-testid="phone-calls"] li[data-outcome="reached"]').wait_for()
    assert panel.get_by_test_id("agent-session-code").inner_text() == ""
    desk.get_by_test_id("resolve").click()

    me.goto(f"{url}/phone/callbacks/")
    assert me.locator("[data-callback-id]").first.get_by_test_id("callback-status").get_attribute(
        "data-status") == "done"
    me.locator("[data-callback-id]").first.get_by_test_id("session-code").wait_for(state="hidden")
