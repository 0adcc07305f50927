"""The casework panel as agents use it all day: the focus stays where it is while the panel
refreshes every 3 s, approvals wait on top of the pane with who asked and for whom, Reject
asks for a reason, the requester's result follows the decision without a reload, and the
form asks only for what the chosen action needs."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from walletdesk.conftest import DEMO_PASSWORD, in_live_db
from walletdesk.support.tests.test_browser import login

pytestmark = pytest.mark.browser
CUSTOMER = "carol.panel@example.com"


def focused(page: Page) -> str:
    return page.evaluate("() => (document.activeElement && document.activeElement.dataset"
                         " && document.activeElement.dataset.testid) || document.activeElement.tagName")


def stays_focused(page: Page, testid: str) -> None:
    """Focus an element, wait past the 3 s refresh (twice), and find the focus still on it."""
    page.get_by_test_id(testid).focus()
    assert focused(page) == testid
    time.sleep(3.5)
    assert focused(page) == testid
    time.sleep(3.2)
    assert focused(page) == testid


def test_focus_confirm_and_reject_with_a_reason(live_server_url: str, page_for: Any,
                                                tmp_path_factory: pytest.TempPathFactory) -> None:
    url = live_server_url
    in_live_db(tmp_path_factory, "from walletdesk.accounts.models import User\n"
               f"u = User.objects.filter(email={CUSTOMER!r}).first() or User.objects.create_user("
               f"{CUSTOMER!r}, {DEMO_PASSWORD!r}, display_name='Carol Ho', language='en')\n"
               # a Hong Kong wallet: amounts and limits in HK$, never ¥
               "from walletdesk.wallet import services as w\n"
               "from walletdesk.wallet.services import cards\n"
               "cards.link_card(u, kind='bank_card', number='6222021234567890128')\n"
               "t = w.top_up(u, amount=50000, currency='HKD', method='bank_card')\n"
               "w.on_network_result(t.public_id, 'confirmed')\n")
    customer = page_for("en")
    login(customer, url, CUSTOMER)
    customer.goto(f"{url}/support/new/")
    customer.get_by_test_id("topic").select_option("payments")
    customer.get_by_test_id("message").fill("My payments are held for review, please help.")
    customer.get_by_test_id("open-chat").click()
    customer.wait_for_url(re.compile(r".*/support/c/\d+/$"))
    reference = customer.get_by_test_id("reference").inner_text()
    in_live_db(tmp_path_factory, "from walletdesk.accounts import services as s\n"
               "from walletdesk.accounts.services import holds\n"
               f"holds.place(s.find_user_by_login({CUSTOMER!r}), 'risk', 'risk rules', "
               "blocks_login=False)\n")
    try:
        senior = page_for("zh-hans")
        login(senior, url, "wang.lei@walletdesk.example")
        senior.goto(f"{url}/support/console/")
        # no conversation open: the action form is not shown
        expect(senior.get_by_test_id("cw-form")).to_be_hidden()
        senior.get_by_test_id(f"conv-{reference}").click()
        senior.get_by_test_id("accept").click()
        senior.get_by_test_id("mine").get_by_test_id(f"conv-{reference}").wait_for()
        panel = senior.get_by_test_id("cw-panel")
        expect(panel.get_by_test_id("cw-history-none")).to_have_text("暂无", timeout=15000)
        # the customer card reads the account now: the hold placed after the chat opened shows,
        # and the card does not call itself a snapshot
        expect(senior.get_by_test_id("ctx-holds")).to_have_class(re.compile(r"\bstate-bad\b"), timeout=15000)
        expect(senior.get_by_test_id("ctx-holds")).not_to_have_text("无限制")
        expect(senior.get_by_test_id("ctx-as-of")).to_have_text("")
        panel.get_by_test_id("cw-verify").click()
        card = customer.get_by_test_id("cw-verify-card")
        card.get_by_test_id("cw-confirm").click(timeout=15000)
        card.get_by_text("You confirmed it is you").wait_for()
        expect(panel.get_by_test_id("cw-act-release_hold")).to_have_attribute(
            "data-available", "1", timeout=15000)

        # 7. the wallet's currency, and the reference people see
        expect(panel.get_by_test_id("cw-amount-cur")).to_have_text("HK$")
        assert "HK$20.00" in panel.get_by_test_id("cw-act-refund_fee").inner_text()
        # 8. the form asks only for what the chosen action needs
        panel.get_by_test_id("cw-action").select_option("start_unlock")
        for field in ("cw-txn", "cw-amount", "cw-hold", "cw-recent"):
            expect(panel.get_by_test_id(field)).to_be_hidden()
        expect(panel.get_by_test_id("cw-needs")).to_have_text("无需填写其他内容，请写明原因。")
        panel.get_by_test_id("cw-action").select_option("refund_fee")
        expect(panel.get_by_test_id("cw-hold")).to_be_hidden()
        expect(panel.get_by_test_id("cw-amount")).to_be_visible()
        panel.get_by_test_id("cw-recent").select_option(index=1)
        assert re.fullmatch(r"\d{4} \d{4} \d{4} \d{4}", panel.get_by_test_id("cw-txn").input_value())
        expect(panel.get_by_test_id("cw-amount-cur")).to_have_text("HK$")
        panel.get_by_test_id("cw-txn").fill("")

        # 1. the focus survives the panel's refreshes
        stays_focused(senior, "cw-act-release_hold")

        # the live hold, its reason in words, and Release… choosing it in the form
        hold = panel.get_by_test_id("cw-holds").locator("li").first
        expect(hold).to_contain_text("风控规则拦截了一笔付款")
        panel.locator("[data-testid^=cw-hold-]").first.click()
        expect(panel.get_by_test_id("cw-action")).to_have_value("release_hold")
        expect(panel.get_by_test_id("cw-reason")).to_be_focused()
        expect(panel.get_by_test_id("cw-txn")).to_be_hidden()
        assert panel.get_by_test_id("cw-hold").input_value() != ""
        found = Axe().run(senior, options={"resultTypes": ["violations"]}).response["violations"]
        assert [v["id"] for v in found if v["impact"] in {"serious", "critical"}] == []
        panel.get_by_test_id("cw-reason").fill("风控误判：客户已在 App 内确认本人操作，交易为常规消费")
        panel.get_by_test_id("cw-submit").click()
        result = panel.get_by_test_id("cw-result")
        result.get_by_text("等待同事批准").wait_for()
        action_id = result.get_attribute("data-action-id")
        expect(panel.get_by_test_id("cw-history-none")).to_be_hidden(timeout=15000)

        # 3. the supervisor sees it on top of the pane with no conversation open
        boss = page_for("en")
        login(boss, url, "chen.jing@walletdesk.example")
        boss.goto(f"{url}/support/console/")
        row = boss.get_by_test_id(f"cw-appr-{action_id}")
        row.wait_for(timeout=15000)
        assert re.fullmatch(r"\(\d+\)", boss.get_by_test_id("cw-approvals-count").inner_text())
        text = row.inner_text()
        assert "Carol Ho" in text and "WD1024" in text and reference in text
        assert "Release a hold" in text
        link = boss.get_by_test_id(f"cw-conv-link-{action_id}")
        assert link.get_attribute("href").endswith(f"/support/console/?c={reference}")
        first = boss.evaluate("() => document.querySelector('.pane-ctx').firstElementChild.id")
        assert first == "cw-approvals-box"

        # 1. the focus stays on Approve and on Reject through the refreshes
        stays_focused(boss, f"cw-approve-{action_id}")
        stays_focused(boss, f"cw-reject-{action_id}")

        # 2. Reject asks for a reason; an empty one is refused before anything is sent
        boss.get_by_test_id(f"cw-reject-{action_id}").click()
        reason = boss.get_by_test_id(f"cw-reject-reason-{action_id}")
        expect(reason).to_be_focused()
        boss.get_by_test_id(f"cw-reject-confirm-{action_id}").click()
        expect(boss.get_by_test_id(f"cw-confirm-error-{action_id}")).to_contain_text("at least 5")
        reason.fill("Ask the customer for the card statement first")
        time.sleep(3.5)  # a refresh keeps what was typed
        expect(reason).to_have_value("Ask the customer for the card statement first")
        boss.get_by_test_id(f"cw-reject-confirm-{action_id}").click()
        row.wait_for(state="detached", timeout=15000)

        # 4. the requester's result follows the decision, with the reason
        expect(result).to_have_attribute("data-status", "rejected", timeout=15000)
        expect(result).to_contain_text("已拒绝")
        expect(result).to_contain_text("Ask the customer for the card statement first")
        expect(panel.get_by_test_id(f"cw-item-{action_id}")).to_have_attribute("data-status", "rejected")

        # 5. an error replaces the previous result instead of showing beside it
        panel.get_by_test_id("cw-action").select_option("trace_transaction")
        panel.get_by_test_id("cw-reason").fill("x")
        panel.get_by_test_id("cw-submit").click()
        expect(panel.get_by_test_id("cw-error")).not_to_be_empty()
        expect(result).to_be_hidden()
    finally:  # no hold left, and the senior's chat place given back for the tests after this
        in_live_db(tmp_path_factory, "from walletdesk.accounts import services as s\n"
                   "from walletdesk.accounts.services import holds\n"
                   "from walletdesk.support.models import Conversation\n"
                   "from walletdesk.support.services import conversations\n"
                   f"u = s.find_user_by_login({CUSTOMER!r})\n"
                   "holds.release(u, ['risk'], None)\n"
                   f"c = Conversation.objects.filter(reference={reference!r}).first()\n"
                   "if c and c.agent:\n    conversations.resolve(c.agent, c)\n")
