"""The contact hub and the verification page in a real browser, in both languages."""

from __future__ import annotations

import re
from typing import Any

import pytest

from walletdesk.conftest import SCREENSHOTS
from walletdesk.conftest import browser_login as login

pytestmark = pytest.mark.browser

STATE = "[data-testid=state-open], [data-testid=state-closed], [data-testid=state-always]"



def test_contact_hub_in_chinese_then_english(live_server_url: str, page_for: Any) -> None:
    page = page_for("zh-hans")
    login(page, live_server_url, "zhang.wei@example.cn")
    page.goto(f"{live_server_url}/contact/")
    assert page.get_by_test_id("hub-title").inner_text() == "联系客服"
    region = page.get_by_test_id("region-CN")
    assert "中国大陆" in region.inner_text()
    hotline = region.locator("[data-testid=channel-phone][data-value='+864008201024']")
    assert "400-820-1024" in hotline.inner_text()
    assert hotline.locator(STATE).count() == 1
    assert "只有这里列出的渠道才是我们的官方渠道" in page.get_by_test_id("scam-notice").inner_text()
    hotline.locator("summary").click()
    assert "春节" in hotline.inner_text() or "每天" in hotline.inner_text()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "contact-hub.png"), full_page=True)

    page.get_by_test_id("lang-en").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("hub-title").inner_text() == "Contact us"
    assert "Mainland China" in page.get_by_test_id("region-CN").inner_text()
    page.get_by_test_id("region-tab-HK").click()
    page.wait_for_url(re.compile(r".*region=HK"))
    night = page.locator("[data-testid=channel-phone][data-value='+85230082048']")
    assert "Night line" in night.inner_text()


def test_verify_page_in_both_languages(live_server_url: str, page_for: Any) -> None:
    page = page_for("zh-hans")
    page.goto(f"{live_server_url}/contact/official/")
    assert page.get_by_test_id("official-title").inner_text() == "官方联系方式"
    # The official page checks a number itself, from the notice at its top.
    page.get_by_test_id("check-input").fill("400 820 1024")
    page.get_by_test_id("check-submit").click()
    assert page.get_by_test_id("verify-title").inner_text() == "是否为官方？"
    assert page.get_by_test_id("official-yes").is_visible()
    page.get_by_test_id("verify-input").fill("400 820 1024")
    page.get_by_test_id("verify-submit").click()
    assert page.get_by_test_id("official-yes").is_visible()
    assert "客服热线" in page.get_by_test_id("verify-result").inner_text()

    page.get_by_test_id("verify-input").fill("WD1024")
    page.get_by_test_id("verify-submit").click()
    assert "王磊" in page.get_by_test_id("verify-result").inner_text()

    page.get_by_test_id("verify-input").fill("https://wаlletdesk.example/refund")
    page.get_by_test_id("verify-submit").click()
    assert page.get_by_test_id("official-no").is_visible()
    assert "外形相似" in page.get_by_test_id("verify-warning").inner_text()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "verify.png"), full_page=True)

    page.get_by_test_id("lang-en").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("verify-title").inner_text() == "Is it official?"
    assert "Not official" in page.get_by_test_id("official-no").inner_text()
    page.locator("[data-testid=report-form] textarea").fill("An SMS said my refund is waiting.")
    page.get_by_test_id("report-submit").click()
    page.wait_for_url(re.compile(r".*/contact/verify/$"))
    assert "Thank you" in page.locator(".messages").inner_text()

    page.get_by_test_id("verify-input").fill("x" * 300)
    page.get_by_test_id("verify-submit").click()
    assert page.get_by_test_id("verify-error").is_visible()
