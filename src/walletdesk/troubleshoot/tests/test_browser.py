"""The troubleshooters in a real browser, in both languages, on the seeded demo:
fee and payment troubleshooters and "talk to a person" (Chinese); the lock troubleshooter
for someone who cannot log in, and the refund troubleshooter for a transfer (English)."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest

from walletdesk.conftest import DEMO_PASSWORD, SCREENSHOTS, browser_second_step
from walletdesk.web.tests.fab import FAB_AWAY, FAB_SHOWN, UNDER_FAB
from walletdesk.web.tests.test_browser_wallet import login

pytestmark = pytest.mark.browser


def shot(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / name), full_page=True)


def test_fee_and_payment_troubleshooters_then_a_person_in_chinese(live_server_url: str,
                                                                  page_for: Any) -> None:
    page = page_for("zh-hans")
    login(page, live_server_url, "zhang.wei@example.cn")

    # Fee: the credit-card top-up; a bank card costs nothing.
    page.goto(f"{live_server_url}/troubleshoot/fee/")
    page.get_by_test_id("ts-pick").filter(has_text="充值").first.click()
    page.get_by_test_id("ts-next").wait_for()
    assert page.get_by_test_id("ts-title").inner_text() == "为什么收了手续费？"
    findings = page.locator("[data-testid=ts-finding]").all_inner_texts()
    assert any("收费规则第 1 版" in f and "1.00%" in f for f in findings)
    assert any("银行卡" in f and "¥0.00" in f for f in findings)
    assert page.get_by_test_id("ts-next").get_attribute("data-code") == "step.use_cheaper_method"
    shot(page, "troubleshoot-fee.png")

    # Payment: from the detail page of the top-up the network never answered.
    page.goto(f"{live_server_url}/wallet/history/?status=expired")
    page.get_by_test_id("txn-row").first.locator("a").first.click()
    page.wait_for_url(re.compile(r".*/wallet/t/tx_[0-9a-f]+/$"))
    page.get_by_test_id("ts-txn-link").get_by_role("link", name="我的付款到哪儿了？").click()
    page.get_by_test_id("ts-next").wait_for()
    assert page.get_by_test_id("ts-title").inner_text() == "我的付款到哪儿了？"
    assert "仍未确认，因此已于" in page.locator("[data-testid=ts-finding]").first.inner_text()
    assert "从未送达银行或卡组织" in page.locator("[data-testid=ts-finding]").nth(1).inner_text()
    shot(page, "troubleshoot-payment.png")

    # Talk to a person: the chat opens with the diagnosis quoted under the customer's words.
    page.fill("#ts-message", "充值没有到账，卡里扣钱了吗？")
    page.get_by_test_id("ts-talk-submit").click()
    page.wait_for_url(re.compile(r".*/support/c/\d+/$"))
    # in the chat itself (the "while you wait" card links the same troubleshooter by name)
    log = page.get_by_test_id("chat-log")
    log.get_by_text("我的付款到哪儿了？").first.wait_for(timeout=15_000)
    assert "充值没有到账" in log.inner_text()
    conv_id = re.search(r"/support/c/(\d+)/", page.url).group(1)

    # The agent sees the diagnosis in the context panel and in the first message.
    agent = page_for("zh-hans")
    agent.goto(f"{live_server_url}/login/")
    agent.fill("input[name=username]", "liu.yang@walletdesk.example")
    agent.fill("input[name=password]", DEMO_PASSWORD)
    agent.locator("form button[type=submit].primary").click()
    browser_second_step(agent, live_server_url, "liu.yang@walletdesk.example")
    agent.wait_for_url(re.compile(r".*/support/console/$"))
    agent.goto(f"{live_server_url}/support/console/")
    agent.locator(f"#queue li[data-id='{conv_id}']").click(timeout=15_000)
    panel = agent.get_by_test_id("ctx-troubleshooter")
    panel.wait_for(timeout=15_000)
    assert "仍未确认" in panel.inner_text()
    agent.get_by_test_id("agent-log").get_by_text("充值没有到账", exact=False).first.wait_for(
        timeout=15_000)
    shot(agent, "troubleshoot-agent-context.png")


def test_lock_for_a_visitor_and_refund_for_a_transfer_in_english(live_server_url: str,
                                                                 page_for: Any) -> None:
    page = page_for("en")
    page.goto(f"{live_server_url}/contact/")
    # A visitor is sent on to the official contacts page, whose "More help" links lead here.
    page.get_by_role("navigation", name="More help").get_by_role(
        "link", name="Why is my account locked?").click()
    page.fill("#ts-login", "alice@example.com")
    page.get_by_test_id("ts-lock-submit").click()
    sent = page.get_by_test_id("ts-sent")
    sent.wait_for()
    assert "If an account uses this address" in sent.inner_text()
    assert "Nothing stops you" not in page.content()  # the answer goes to the owner only
    shot(page, "troubleshoot-lock.png")
    # The message is delivered by a background job: look at the outbox until it is there.
    deadline = time.monotonic() + 30
    while True:
        page.goto(f"{live_server_url}/notify/outbox/?to=alice@example.com")
        if "Why you cannot sign in to walletdesk" in page.content() or time.monotonic() > deadline:
            break
        page.wait_for_timeout(500)
    assert "Nothing stops you from signing in" in page.content()

    login(page, live_server_url, "alice@example.com")
    page.goto(f"{live_server_url}/troubleshoot/")
    assert page.get_by_test_id("ts-lock").inner_text().startswith("Why is my account locked?")
    shot(page, "troubleshoot-index.png")
    page.get_by_test_id("ts-refund").click()
    page.get_by_test_id("ts-pick").filter(has_text="Transfer").first.click()
    page.get_by_test_id("ts-next").wait_for()
    assert page.get_by_test_id("ts-next").get_attribute("data-code") == "step.ask_recipient"
    assert "Ask Bob Tan to send the money back" in page.get_by_test_id("ts-next").inner_text()
    shot(page, "troubleshoot-refund.png")


SMALL_TAPS = """() => [...document.querySelectorAll('main a, main button')].filter(e => {
  const r = e.getBoundingClientRect(), s = getComputedStyle(e);
  if (!r.width || s.display === 'inline') return false;  // links inside a sentence
  return r.height < 43.5;
}).map(e => e.textContent.trim() + ' ' + Math.round(e.getBoundingClientRect().height))"""


@pytest.mark.parametrize(("lang", "who", "width"), [("zh-hans", "zhang.wei@example.cn", 320),
                                                    ("en", "alice@example.com", 390)])
def test_a_transfer_on_a_phone_warns_of_scams_first(live_server_url: str, browser: Any,
                                                    lang: str, who: str, width: int) -> None:
    """The refund troubleshooter for a transfer on a narrow phone: the scam warning comes
    first and its button reaches the person form; the page fits, names the transaction in
    words (no internal id), every link and button outside a sentence is a 44 px target."""
    from axe_playwright_python.sync_playwright import Axe

    ctx = browser.new_context(locale="zh-CN" if lang == "zh-hans" else "en-US",
                              viewport={"width": width, "height": 800}, is_mobile=True,
                              has_touch=True, device_scale_factor=2)
    try:
        page = ctx.new_page()
        login(page, live_server_url, who)
        page.goto(f"{live_server_url}/troubleshoot/refund/")
        page.get_by_test_id("ts-pick").filter(has_text="转账" if lang == "zh-hans"
                                              else "Transfer").first.click()
        warning = page.get_by_test_id("ts-scam-warning")
        warning.wait_for()
        found = page.get_by_test_id("ts-finding").first.bounding_box()
        assert warning.bounding_box()["y"] < found["y"]
        assert warning.bounding_box()["y"] < 800  # on the first screen
        scroll, inner = page.evaluate("() => [document.documentElement.scrollWidth, innerWidth]")
        assert scroll <= inner, f"{scroll} px wide on a {inner} px screen"
        main = page.locator("main").inner_text()
        assert not re.search(r"\btx_[0-9a-f]{8,}", main), main[:200]
        assert not page.evaluate(SMALL_TAPS)
        bad = [v["id"] for v in Axe().run(page, options={"resultTypes": ["violations"]})
               .response["violations"] if v["impact"] in {"serious", "critical"}]
        assert not bad, bad
        shot(page, f"phone-troubleshoot-transfer-{'zh' if lang == 'zh-hans' else 'en'}.png")
        page.get_by_test_id("ts-scam-talk").click()
        page.wait_for_url(re.compile(r".*#ts-talk$"))
    finally:
        ctx.close()


TALK_ON_SCREEN = "() => document.getElementById('ts-talk').getBoundingClientRect().top < innerHeight"


@pytest.mark.parametrize(("lang", "who"), [("zh-hans", "zhang.wei@example.cn"),
                                           ("en", "alice@example.com")])
def test_the_floating_contact_button_leaves_the_talk_form_free_on_a_phone(
        live_server_url: str, page_for: Any, lang: str, who: str) -> None:
    """A troubleshooter's answer keeps its floating "Contact us" on a phone (it leads to the
    form that carries the answer to the agent), and the button steps aside once that form is on
    screen: it never sits on the form's label, its box or its button."""
    page = page_for(lang, is_mobile=True, has_touch=True)
    page.set_viewport_size({"width": 390, "height": 440})
    login(page, live_server_url, who)
    page.goto(f"{live_server_url}/wallet/history/")
    txn = page.locator("a[href*='/wallet/t/']").first.get_attribute("href").split("/")[-2]
    page.goto(f"{live_server_url}/troubleshoot/payment/?transaction={txn}")
    page.get_by_test_id("ts-next").wait_for()
    fab = page.get_by_test_id("contact-fab")
    # A short screen: the form is further down, so the button offers it, over nothing tappable.
    assert not page.evaluate(TALK_ON_SCREEN)
    page.wait_for_function(FAB_SHOWN)
    assert fab.get_attribute("href") == "#ts-talk"
    assert page.evaluate(UNDER_FAB) == []
    fab.click()
    page.wait_for_url(re.compile(r".*#ts-talk$"))
    page.wait_for_function(FAB_AWAY)
    assert page.evaluate(UNDER_FAB) == []
    page.get_by_test_id("ts-talk-submit").click(trial=True)  # nothing lies over it
    # Scrolling back above the form brings the button back.
    page.evaluate("window.scrollTo(0, 0)")
    page.wait_for_function(FAB_SHOWN)
    # A phone's usual height shows the form on arrival: the button is away from the start.
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    page.get_by_test_id("ts-next").wait_for()
    if page.evaluate(TALK_ON_SCREEN):
        page.wait_for_function(FAB_AWAY)
    assert page.evaluate(UNDER_FAB) == []
    page.locator("#ts-message").click(trial=True)
