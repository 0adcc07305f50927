"""End to end in two browsers: a locked-out customer reaches an agent as a guest, proves who
they are with a code sent to the contact on file, the agent starts the unlock, and the
customer finishes it on the login page with their own code. The agent never sees a code."""

from __future__ import annotations

import json
import re
import time
import urllib.parse
import urllib.request
from typing import Any

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from walletdesk.conftest import DEMO_PASSWORD, SCREENSHOTS, in_live_db
from walletdesk.support.tests.test_browser import login

pytestmark = pytest.mark.browser
CUSTOMER = "bob@example.com"


def lock_out(tmp_path_factory: pytest.TempPathFactory, who: str) -> None:
    """Twenty wrong passwords, through the accounts app's own failure path (the login form
    itself would make the test wait out each lockout tier)."""
    in_live_db(tmp_path_factory, "from walletdesk.accounts import services as s\n"
               "from walletdesk.accounts.services import lockout\n"
               f"u = s.find_user_by_login({who!r})\n"
               "for _ in range(20):\n    lockout.register_failure(u)\n")


def wait_code(url: str, pattern: str, after: set[str], to: str = CUSTOMER) -> str:
    """The newest code matching ``pattern`` in the development outbox, not one of ``after``."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        query = urllib.parse.urlencode({"to": to})
        with urllib.request.urlopen(f"{url}/api/v1/dev/outbox?{query}") as r:
            for msg in json.load(r):
                m = re.search(pattern, msg["body"])
                if m and m.group(1) not in after:
                    after.add(m.group(1))
                    return m.group(1)
        time.sleep(0.3)
    raise AssertionError(f"no message matching {pattern!r}")


CARD_STATE = """async () => {
  const card = document.getElementById('cw-verify'), chat = document.getElementById('chat');
  const path = '/api/v1/support/conversations/' + card.dataset.conversation + '/verification';
  const r = await fetch(path, {headers: chat.dataset.guest ? {'X-Guest-Token': chat.dataset.guest} : {}});
  return {url: location.href, visibility: document.visibilityState, cardClass: card.className,
          text: card.innerText.slice(0, 200),
          guestToken: !!chat.dataset.guest, poll: r.status + ' ' + (await r.text()).slice(0, 300)};
}"""


def _card_state(page: Any) -> Any:
    try:
        return page.evaluate(CARD_STATE)
    except Exception as exc:  # only for the failure message
        return f"(could not read it: {exc})"


def test_agent_unlocks_a_locked_customer(live_server_url: str, page_for: Any,
                                         tmp_path_factory: pytest.TempPathFactory) -> None:
    url, seen = live_server_url, set[str]()
    lock_out(tmp_path_factory, CUSTOMER)

    customer = page_for("en")
    customer.goto(f"{url}/login/")
    customer.fill("input[name=username]", CUSTOMER)
    customer.fill("input[name=password]", DEMO_PASSWORD)
    customer.locator("form button[type=submit].primary").click()
    customer.get_by_test_id("form-error").wait_for()  # locked: the right password is refused

    customer.goto(f"{url}/support/guest/")
    customer.get_by_test_id("contact").fill(CUSTOMER)
    customer.get_by_test_id("message").fill("I am locked out of my account after wrong passwords.")
    customer.get_by_test_id("guest-open").click()
    customer.wait_for_url(re.compile(r".*/support/c/\d+/$"))
    reference = customer.get_by_test_id("reference").inner_text()
    customer.get_by_test_id("guest-code").fill(wait_code(url, r"support code is (\d{6})", seen))
    customer.get_by_test_id("guest-code-form").locator("button").click()
    customer.wait_for_url(re.compile(r".*/support/c/\d+/$"))

    agent = page_for("zh-hans")
    login(agent, url, "liu.yang@walletdesk.example")
    agent.goto(f"{url}/support/console/")
    agent.get_by_test_id(f"conv-{reference}").click()
    agent.get_by_test_id("accept").click()
    # Accepting goes over the socket; a verification asked before it lands is refused.
    agent.get_by_test_id("mine").get_by_test_id(f"conv-{reference}").wait_for()
    panel = agent.get_by_test_id("cw-panel")
    panel.get_by_test_id("cw-blockers").get_by_text("请先在本会话中核实客户身份").wait_for()
    assert panel.get_by_test_id("cw-act-start_unlock").get_attribute("data-available") == "0"
    assert "您的角色无权执行此操作" in panel.get_by_test_id("cw-act-freeze").inner_text()

    panel.get_by_test_id("cw-method").select_option("code")
    panel.get_by_test_id("cw-verify").click()
    # The agent sees the request pending (a refusal would show in cw-error, and say why)...
    panel.get_by_test_id("cw-vstate").get_by_text("等待客户确认").wait_for(timeout=15000)
    assert not panel.get_by_test_id("cw-error").inner_text()
    # ...and the customer's chat finds it on its next look (every 3 s), the code box with it.
    card = customer.get_by_test_id("cw-verify-card")
    try:
        card.get_by_test_id("cw-code").wait_for(timeout=15000)
    except PlaywrightTimeout as exc:  # say what the customer's page sees
        raise AssertionError(f"no code box; the customer's page sees {_card_state(customer)}") from exc
    assert "never read it to anyone" in card.inner_text()
    card.get_by_test_id("cw-code").fill(wait_code(url, r"Your code is (\d{6})", seen))
    card.get_by_test_id("cw-confirm").click()
    card.get_by_text("You confirmed it is you").wait_for()
    panel.get_by_test_id("cw-vstate").get_by_text("已验证").wait_for(timeout=15000)
    expect(panel.get_by_test_id("cw-act-start_unlock")).to_have_attribute(
        "data-available", "1", timeout=15000)

    panel.get_by_test_id("cw-action").select_option("start_unlock")
    panel.get_by_test_id("cw-reason").fill("客户多次输错密码被锁定，已用预留邮箱验证码核实身份")
    panel.get_by_test_id("cw-submit").click()
    result = panel.get_by_test_id("cw-result")
    result.get_by_text("等待客户操作").wait_for()
    assert "发起解锁：等待客户操作" in result.inner_text()  # a Chinese page's own colon
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    agent.screenshot(path=str(SCREENSHOTS / "casework-console.png"), full_page=True)
    customer.get_by_test_id("chat-log").get_by_text("Unlock started").wait_for(timeout=15000)
    customer.screenshot(path=str(SCREENSHOTS / "casework-chat.png"), full_page=True)
    unlock_code = wait_code(url, r"unlock code is (\d{6})", seen)
    assert unlock_code not in agent.content()

    # The customer finishes the unlock themselves, then logs in.
    customer.goto(f"{url}/account/unlock/confirm/")
    customer.fill("input[name=login]", CUSTOMER)
    customer.fill("input[name=code]", unlock_code)
    customer.get_by_test_id("submit").click()
    customer.wait_for_url(re.compile(r".*/login/.*$"))
    customer.fill("input[name=username]", CUSTOMER)
    customer.fill("input[name=password]", DEMO_PASSWORD)
    customer.locator("form button[type=submit].primary").click()
    customer.wait_for_url(re.compile(r".*/(wallet|support)/.*$"))

    expect(panel.get_by_test_id("cw-history").locator("li[data-status=done]")).to_have_count(
        1, timeout=15000)
    agent.get_by_test_id("agent-log").get_by_text("客户已自行解锁账户").wait_for(timeout=15000)


def test_four_eyes_in_the_console(live_server_url: str, page_for: Any,
                                  tmp_path_factory: pytest.TempPathFactory) -> None:
    """A senior agent asks to release a risk hold; only a supervisor's console can approve."""
    url = live_server_url
    customer = page_for("en")
    login(customer, url, "alice@example.com")
    customer.goto(f"{url}/support/new/")
    customer.get_by_test_id("topic").select_option("payments")
    customer.get_by_test_id("message").fill("My payments are held for review, please help.")
    customer.get_by_test_id("open-chat").click()
    customer.wait_for_url(re.compile(r".*/support/c/\d+/$"))
    reference = customer.get_by_test_id("reference").inner_text()
    in_live_db(tmp_path_factory, "from walletdesk.accounts import services as s\n"
               "from walletdesk.accounts.services import holds\n"
               "u = s.find_user_by_login('alice@example.com')\n"
               "holds.place(u, 'risk', 'risk rules: amount per day', blocks_login=False)\n")

    try:
        senior = page_for("zh-hans")
        login(senior, url, "wang.lei@walletdesk.example")
        senior.goto(f"{url}/support/console/")
        senior.get_by_test_id(f"conv-{reference}").click()
        senior.get_by_test_id("accept").click()
        senior.get_by_test_id("mine").get_by_test_id(f"conv-{reference}").wait_for()
        panel = senior.get_by_test_id("cw-panel")
        panel.get_by_test_id("cw-verify").click()  # in the app, the default
        card = customer.get_by_test_id("cw-verify-card")
        card.get_by_test_id("cw-confirm").click(timeout=15000)
        card.get_by_text("You confirmed it is you").wait_for()
        release = panel.get_by_test_id("cw-act-release_hold")
        expect(release).to_have_attribute("data-available", "1", timeout=15000)
        assert "需要另一位同事批准" in release.inner_text()
        panel.locator("[data-testid^=cw-hold-]").first.click()
        panel.get_by_test_id("cw-action").select_option("release_hold")
        panel.get_by_test_id("cw-reason").fill("风控误判：客户已在 App 内确认本人操作，交易为常规消费")
        panel.get_by_test_id("cw-submit").click()
        panel.get_by_test_id("cw-result").get_by_text("等待同事批准").wait_for()
        item = panel.get_by_test_id("cw-history").locator("li").first
        action_id = item.get_attribute("data-testid").removeprefix("cw-item-")
        assert panel.get_by_test_id(f"cw-approve-{action_id}").count() == 0  # never one's own

        boss = page_for("en")
        login(boss, url, "chen.jing@walletdesk.example")
        boss.goto(f"{url}/support/console/")
        queue = boss.get_by_test_id("cw-approvals")
        queue.get_by_test_id(f"cw-approve-{action_id}").click(timeout=15000)
        queue.get_by_test_id(f"cw-approve-confirm-{action_id}").click()  # the confirm step
        queue.get_by_test_id(f"cw-appr-{action_id}").wait_for(state="detached")
        expect(panel.get_by_test_id(f"cw-item-{action_id}")).to_have_attribute(
            "data-status", "done", timeout=15000)
        assert "WD1001" in panel.get_by_test_id(f"cw-item-{action_id}").inner_text()
        customer.get_by_test_id("chat-log").get_by_text("Account hold released").wait_for(timeout=15000)
    finally:  # a failure midway must not leave alice held for the tests after this one
        in_live_db(tmp_path_factory, "from walletdesk.accounts import services as s\n"
                   "from walletdesk.accounts.services import holds\n"
                   "holds.release(s.find_user_by_login('alice@example.com'), ['risk'], None)\n")
