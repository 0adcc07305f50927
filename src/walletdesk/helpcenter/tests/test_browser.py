"""The help center in a real browser, in both languages, with screenshots for the docs."""

from __future__ import annotations

from typing import Any

import pytest

from walletdesk.conftest import SCREENSHOTS

pytestmark = pytest.mark.browser


def test_search_with_live_suggestions_in_chinese(live_server_url: str, page_for: Any) -> None:
    page = page_for("zh-hans")
    page.goto(f"{live_server_url}/help/")
    assert page.locator("h1").inner_text() == "有什么可以帮您？"
    assert page.get_by_test_id("help-category").count() == 6
    page.get_by_test_id("help-q").fill("钱扣了没到账")
    suggestion = page.get_by_test_id("help-suggestion").first
    suggestion.wait_for()
    assert suggestion.get_attribute("data-slug") == "transaction-incomplete"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "help-center.png"), full_page=True)
    page.get_by_test_id("help-q").press("Enter")
    page.wait_for_url("**/help/search/**")
    first = page.get_by_test_id("help-result").first
    assert first.get_attribute("data-slug") == "transaction-incomplete"
    # The whole card is the tap target: a tap on its snippet (where the title link lies over
    # the card) opens the article.
    box = first.locator("p").bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_url("**/help/transaction-incomplete/")
    assert "待处理" in page.get_by_test_id("help-article").inner_text()
    assert page.get_by_test_id("contact-support").get_attribute("href") == "/contact/"


def test_article_in_english_with_feedback(live_server_url: str, page_for: Any) -> None:
    page = page_for("zh-hans")
    page.goto(f"{live_server_url}/help/forgot-password/")
    assert page.locator("h1").inner_text() == "忘记密码怎么办"
    page.get_by_test_id("lang-en").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "I forgot my password"
    page.get_by_test_id("feedback-yes").click()
    page.get_by_test_id("feedback-thanks").wait_for()
    assert "Still need help?" in page.get_by_test_id("still-need-help").inner_text()
    page.screenshot(path=str(SCREENSHOTS / "help-article.png"), full_page=True)
    page.goto(f"{live_server_url}/help/search/?q=cant+log+in+reset+pasword")
    assert page.get_by_test_id("help-result").first.get_attribute("data-slug") == "forgot-password"


def test_no_article_fits_offers_a_person(live_server_url: str, page_for: Any) -> None:
    page = page_for("en")
    page.goto(f"{live_server_url}/help/search/?q=what%27s+the+weather+like+tomorrow")
    page.get_by_test_id("help-no-fit").wait_for()
    assert page.get_by_test_id("help-result").count() == 0
    assert page.get_by_test_id("help-contact-hub").get_attribute("href") == "/contact/"
    page.get_by_test_id("help-ask-person").click()
    page.wait_for_url(lambda url: "/login/" in url)  # the contact form asks to log in first
    assert "message%3Dwhat" in page.url or "message=what" in page.url
