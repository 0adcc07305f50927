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


ROWS = """sel => [...document.querySelectorAll(sel)].map(a => {
  const li = a.closest('li'), r = a.getBoundingClientRect(), l = li.getBoundingClientRect();
  return {h: r.height, w: r.width, liw: l.width, bullet: getComputedStyle(li).listStyleType,
          line: getComputedStyle(a).textDecorationLine, text: a.textContent.trim()};
})"""


def _rows_are_whole_tap_targets(page: Any, selector: str) -> int:
    rows = page.evaluate(ROWS, selector)
    for row in rows:
        assert row["h"] >= 44, row  # a thumb's height, one line or two
        assert row["w"] >= row["liw"] - 1, row  # the whole row is the link
        assert row["bullet"] == "none" and row["line"] == "none", row
    return len(rows)


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_help_pages_on_a_phone(live_server_url: str, page_for: Any, lang: str) -> None:
    """At 390 px: article lists are rows like the self-help ones (the whole row a link of at
    least 44 px, a chevron, no bullet), a result row opens its article wherever it is tapped,
    an article says when it changed in words, and axe finds nothing serious on any of them."""
    from walletdesk.support.tests.test_workspace_browser import serious_axe

    url = live_server_url
    page = page_for(lang, is_mobile=True, has_touch=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{url}/help/")
    assert _rows_are_whole_tap_targets(page, "[data-testid=help-category] li > a") >= 15
    assert page.locator("[data-testid=help-category] li > a .me-chevron").count() >= 15
    assert not serious_axe(page), serious_axe(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    short = "zh" if lang == "zh-hans" else "en"
    page.screenshot(path=str(SCREENSHOTS / f"help-home-phone-{short}.png"), full_page=True)

    hit, miss = (("忘记密码", "天气怎么样") if lang == "zh-hans"
                 else ("forgot password", "weather tomorrow"))
    page.goto(f"{url}/help/search/?q={hit}")
    assert page.get_by_test_id("help-result").first.get_attribute("data-slug") == "forgot-password"
    result = page.get_by_test_id("help-result").first.bounding_box()
    assert result is not None and result["height"] >= 44 and result["width"] >= 300
    assert not serious_axe(page), serious_axe(page)
    page.goto(f"{url}/help/search/?q={miss}")
    page.get_by_test_id("help-no-fit").wait_for()
    assert page.get_by_test_id("help-ask-person").is_visible()
    assert page.get_by_test_id("help-contact-hub").is_visible()
    assert not serious_axe(page), serious_axe(page)

    page.goto(f"{url}/help/payment-methods/")
    updated = page.get_by_test_id("help-updated").inner_text()
    assert updated in ("今天更新", "Updated today"), updated  # the demo articles are new
    assert _rows_are_whole_tap_targets(page, "[data-testid=help-related] li > a") >= 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert not serious_axe(page), serious_axe(page)
