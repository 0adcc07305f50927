"""The wallet in a real browser: log in, top up, pay a merchant, watch it go
from pending to completed, in both languages."""

from __future__ import annotations

import re
from typing import Any

import pytest

from walletdesk.conftest import SCREENSHOTS
from walletdesk.conftest import browser_login as login

pytestmark = pytest.mark.browser



def money_form(page: Any, url: str, path: str, **fields: str) -> None:
    """Fill the form, check the review sheet (the fee is shown before money moves), confirm."""
    page.goto(f"{url}/wallet/{path}/")
    for name, value in fields.items():
        locator = page.locator(f"[name={name}]")
        if locator.evaluate("e => e.tagName") == "SELECT":
            if name == "source":  # "bank_card": the first linked card of that kind
                # The kind's words are joined by no-break spaces in the option (never split).
                label = {"bank_card": ("银行卡", r"Bank\scard"),
                         "credit_card": ("信用卡", r"Credit\scard")}.get(value)
                if label:
                    option = locator.locator("option").filter(
                        has_text=re.compile("|".join(label))).first
                    value = option.get_attribute("value")
            locator.select_option(value)
        else:
            locator.fill(value)
    page.get_by_test_id("submit").click()
    page.get_by_test_id("review-fee").wait_for()
    page.get_by_test_id("confirm").click()
    page.wait_for_url(re.compile(r".*/wallet/t/tx_[0-9a-f]+/$"))


def test_top_up_and_card_payment_in_chinese(live_server_url: str, page_for: Any) -> None:
    page = page_for("zh-hans")
    login(page, live_server_url, "zhang.wei@example.cn")
    assert page.locator("h1").first.inner_text() == "我的钱包"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "wallet-home.png"), full_page=True)

    money_form(page, live_server_url, "top-up", amount="200.00", currency="CNY",
               source="bank_card")
    status = page.get_by_test_id("status")
    assert status.inner_text() in {"待处理", "已完成"}
    status.filter(has_text="已完成").wait_for(timeout=20_000)

    money_form(page, live_server_url, "pay", merchant="sample-coffee", amount="36.50",
               currency="CNY", source="bank_card")
    assert page.get_by_test_id("status").inner_text() == "待处理"
    assert "示例咖啡" in page.content()
    page.screenshot(path=str(SCREENSHOTS / "transaction-pending.png"), full_page=True)
    # The page refreshes itself while pending; the simulator confirms within seconds.
    page.get_by_test_id("status").filter(has_text="已完成").wait_for(timeout=20_000)
    timeline = page.locator("ol.timeline").inner_text()
    assert "银行或卡组织已确认" in timeline
    page.screenshot(path=str(SCREENSHOTS / "transaction-detail.png"), full_page=True)

    page.goto(f"{live_server_url}/wallet/history/?status=expired")
    rows = page.get_by_test_id("txn-row")
    assert rows.count() >= 1
    assert "未完成" in rows.first.inner_text()
    page.goto(f"{live_server_url}/wallet/history/")
    page.screenshot(path=str(SCREENSHOTS / "history.png"), full_page=True)


def test_top_up_and_card_payment_in_english(live_server_url: str, page_for: Any) -> None:
    page = page_for("en")
    login(page, live_server_url, "alice@example.com")
    assert page.locator("h1").first.inner_text() == "My wallet"
    money_form(page, live_server_url, "top-up", amount="80.00", currency="HKD",
               source="bank_card")
    page.get_by_test_id("status").filter(has_text="Completed").wait_for(timeout=20_000)
    money_form(page, live_server_url, "pay", merchant="metro-card", amount="12.30",
               currency="HKD", source="bank_card")
    assert page.get_by_test_id("status").inner_text() == "Pending"
    page.get_by_test_id("status").filter(has_text="Completed").wait_for(timeout=20_000)
    assert "HK$12.30" in page.content()


def test_language_switch_and_fee_quote(live_server_url: str, page_for: Any) -> None:
    page = page_for("en")
    page.goto(f"{live_server_url}/wallet/fees/?operation=withdrawal&amount=1000&currency=CNY")
    assert "Fees and how to pay less" in page.content()
    rows = page.get_by_test_id("quote-row")
    assert rows.count() == 1
    page.get_by_test_id("lang-zh-hans").click()
    page.wait_for_load_state()
    assert "费用说明与省钱方法" in page.content()
    page.screenshot(path=str(SCREENSHOTS / "fees.png"), full_page=True)
    page.get_by_test_id("lang-en").click()
    page.wait_for_load_state()
    assert "Current fees in CNY" in page.content()


def test_refused_payment_shows_a_translated_error(live_server_url: str, page_for: Any) -> None:
    page = page_for("zh-hans")
    login(page, live_server_url, "bob@example.com")
    page.goto(f"{live_server_url}/wallet/pay/")
    page.locator("[name=merchant]").select_option("easymart")
    page.fill("[name=amount]", "999999.00")
    page.locator("[name=currency]").select_option("USD")
    page.locator("[name=source]").select_option("balance")
    page.get_by_test_id("submit").click()
    # The review sheet already says the balance is short, and confirming is not offered.
    page.get_by_test_id("review-short").wait_for()
    assert page.get_by_test_id("confirm").is_disabled()
    page.get_by_test_id("change").click()
    page.fill("[name=amount]", "1.234")
    page.get_by_test_id("submit").click()
    assert "该币种的小数位数过多。" in page.content()


def test_choosing_a_card_on_a_short_review_lifts_the_shortfall(live_server_url: str,
                                                                page_for: Any) -> None:
    """The balance cannot pay ¥9,999.00: the sheet says so and Confirm is off; picking a card
    on the sheet turns Confirm on (the card pays), picking the balance again turns it off."""
    page = page_for("en")
    login(page, live_server_url, "zhang.wei@example.cn")
    page.goto(f"{live_server_url}/wallet/pay/")
    page.locator("[name=merchant]").select_option("sample-coffee")
    page.locator("[name=amount]").fill("9999.00")
    page.locator("[name=currency]").select_option("CNY")
    page.locator("[name=source]").select_option("balance")
    page.get_by_test_id("submit").click()
    confirm, short = page.get_by_test_id("confirm"), page.get_by_test_id("review-short-box")
    short.wait_for()
    assert confirm.is_disabled()
    choices = page.get_by_test_id("review-source")
    choices.locator("input[value=balance]").wait_for(state="attached")
    choices.locator("input:not([value=balance])").first.check()
    assert confirm.is_enabled() and short.is_hidden()
    assert page.get_by_test_id("review-once").is_visible()
    choices.locator("input[value=balance]").check()
    assert confirm.is_disabled() and short.is_visible()
    choices.locator("input:not([value=balance])").first.check()
    confirm.click()
    page.wait_for_url(re.compile(r".*/wallet/t/tx_[0-9a-f]+/$"))
    assert page.get_by_test_id("receipt").is_visible()
