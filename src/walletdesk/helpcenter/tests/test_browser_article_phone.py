"""An article on a phone (390 px), in both languages: the floating "Contact us" never covers
what can be tapped, the fee table reads as stacked rows, and the feedback row is one light
row that thanks in place. Screenshots for the docs and for a person to look at."""

from __future__ import annotations

from typing import Any

import pytest

from walletdesk.conftest import SCREENSHOTS, browser_login
from walletdesk.web.tests.fab import FAB_AWAY, FAB_SHOWN, UNDER_FAB

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}

# Each stacked cell of the fee table: its label (the column's header, shown by CSS) and boxes.
FEE_CELLS = """() => {
  const table = document.querySelector('.help-body table');
  const heads = [...table.querySelectorAll('thead th')].map(th => th.textContent.trim());
  return [...table.querySelectorAll('tbody td')].map(td => ({
    index: td.cellIndex, heads, text: td.textContent.trim(),
    label: getComputedStyle(td, '::before').content.replace(/^"|"$/g, ''),
    width: td.getBoundingClientRect().width, tableWidth: table.getBoundingClientRect().width,
    tableScrolls: table.scrollWidth > table.clientWidth + 1}));
}"""


def _phone(page_for: Any, lang: str) -> Any:
    page = page_for(lang, is_mobile=True, has_touch=True)
    page.set_viewport_size(PHONE)
    return page


def _no_page_scroll_sideways(page: Any) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def _scroll(page: Any, by: int) -> None:
    page.evaluate(f"window.scrollBy(0, {by})")
    page.wait_for_timeout(350)  # the scroll event, then the button's .2 s transition


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_fee_table_stacks_and_the_button_keeps_off_it(live_server_url: str, page_for: Any,
                                                      lang: str) -> None:
    from walletdesk.support.tests.test_workspace_browser import serious_axe

    page = _phone(page_for, lang)
    page.goto(f"{live_server_url}/help/fees/")
    _no_page_scroll_sideways(page)
    cells = page.evaluate(FEE_CELLS)
    assert len(cells) == 18  # six rows of three
    for cell in cells:
        assert not cell["tableScrolls"], cell
        assert cell["width"] >= cell["tableWidth"] - 1, cell  # a cell takes the row's width
        if cell["index"]:  # method and fee: under their column's name, in full
            assert cell["label"] == cell["heads"][cell["index"]], cell
        else:  # the operation names the row
            assert cell["label"] in ("none", "normal"), cell
    longest = page.locator(".help-body tbody tr").last.locator("td").last
    assert longest.bounding_box()["height"] <= 3 * 26  # "0.1%, at least ¥0.10, at most ¥25.00"
    assert not serious_axe(page), serious_axe(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    short = "zh" if lang == "zh-hans" else "en"
    page.screenshot(path=str(SCREENSHOTS / f"help-fees-phone-{short}.png"), full_page=True)

    # On a phone the button would float over the text: it is away on arrival and while the
    # reader scrolls down through the table, and comes when they scroll back up.
    page.wait_for_function(FAB_AWAY)
    assert page.evaluate(UNDER_FAB) == []
    for _ in range(3):
        _scroll(page, 250)
        page.wait_for_function(FAB_AWAY)
        assert page.evaluate(UNDER_FAB) == []
    _scroll(page, -30)  # a wobble is not a look back
    page.wait_for_function(FAB_AWAY)
    _scroll(page, -200)
    page.wait_for_function(FAB_SHOWN)
    fab = page.get_by_test_id("contact-fab")
    assert fab.get_attribute("href") == "/contact/" and fab.inner_text().strip()

    # At the end the page's own "Still need help?" is on screen: the button is away and the
    # last things to tap (the card's links, the footer's) are free.
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    page.wait_for_function(FAB_AWAY)
    assert page.evaluate(UNDER_FAB) == []
    last = page.get_by_test_id("still-need-help").locator("a").last
    last.click(trial=True)  # Playwright finds nothing else over it
    page.get_by_test_id("nav-verify").click(trial=True)
    # The button is away at the end, so the footer keeps no empty room for it there.
    footer_pad = "parseFloat(getComputedStyle(document.querySelector('.footer')).paddingBottom)"
    assert page.evaluate(footer_pad) < 40
    # Without the script the button stays: the footer then keeps room for it at the end. (A
    # copy of the button stands for it: the script moves only the one it found.)
    page.evaluate("""() => {
      const fab = document.querySelector('.fab'), copy = fab.cloneNode(true);
      copy.classList.remove('fab-away');
      fab.replaceWith(copy);
      document.body.classList.remove('fab-steps-aside');
      window.scrollTo(0, document.documentElement.scrollHeight);
    }""")
    page.wait_for_function(FAB_SHOWN)
    assert page.evaluate(UNDER_FAB) == []
    assert page.evaluate(footer_pad) > 60

    # On a wide screen it floats beside the text column, so it is there from the start (the
    # window is low enough for the article's end to be out of sight).
    page.set_viewport_size({"width": 1280, "height": 500})
    page.goto(f"{live_server_url}/help/fees/")
    page.wait_for_function(FAB_SHOWN)
    assert page.evaluate(UNDER_FAB) == []

    if lang == "en":  # signed in, on a phone: the tab bar's "Contact", not a second one floating
        browser_login(page, live_server_url, "alice@example.com")
        page.set_viewport_size(PHONE)
        page.goto(f"{live_server_url}/help/fees/")
        assert page.get_by_test_id("tab-contact").is_visible()
        assert not page.get_by_test_id("contact-fab").is_visible()
        page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
        assert page.evaluate(footer_pad) < 40


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_feedback_is_one_light_row_that_thanks_in_place(live_server_url: str, page_for: Any,
                                                        lang: str) -> None:
    from walletdesk.support.tests.test_workspace_browser import serious_axe

    page = _phone(page_for, lang)
    page.goto(f"{live_server_url}/help/top-up/")
    row = page.locator(".help-feedback-row")
    assert row.bounding_box()["height"] <= 56  # the question and both buttons on one line
    for name in ("feedback-yes", "feedback-no"):
        box = page.get_by_test_id(name).bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44, (name, box)
    assert page.get_by_test_id("help-feedback").bounding_box()["height"] <= 130
    assert not page.get_by_test_id("feedback-comment").is_visible()  # only for who asks
    page.get_by_test_id("help-feedback").scroll_into_view_if_needed()
    page.wait_for_function(FAB_AWAY)
    assert page.evaluate(UNDER_FAB) == []

    page.get_by_test_id("feedback-more").locator("summary").click()
    page.get_by_test_id("feedback-comment").fill("limits" if lang == "en" else "想知道限额")
    url = page.url
    with page.expect_request(lambda r: r.method == "POST") as posted:
        page.get_by_test_id("feedback-no").click()
    assert posted.value.url.endswith("/help/top-up/feedback/")
    form = posted.value.post_data
    assert "helpful=no" in form and "comment=" in form and "csrfmiddlewaretoken=" in form
    thanks = page.get_by_test_id("feedback-thanks")
    thanks.wait_for()
    assert page.url == url  # no reload: the row changed where the reader is
    assert page.evaluate("document.activeElement.dataset.testid") == "feedback-thanks"
    assert thanks.get_attribute("role") == "status"
    expected = "谢谢！您的回答能帮我们改进这篇文章。" if lang == "zh-hans" else (
        "Thank you — your answer helps us improve this article.")
    assert thanks.inner_text() == expected
    assert page.get_by_test_id("feedback-yes").count() == 0
    assert not serious_axe(page), serious_axe(page)
    assert page.get_by_test_id("feedback-more").count() == 0
    page.goto(url)  # coming back: one vote, kept, and the button not on the text
    assert page.get_by_test_id("feedback-thanks").inner_text() == expected
    page.wait_for_function(FAB_AWAY)
    short = "zh" if lang == "zh-hans" else "en"
    page.screenshot(path=str(SCREENSHOTS / f"help-article-phone-{short}.png"), full_page=True)


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_search_results_leave_the_button_off_the_contact_card(live_server_url: str,
                                                              page_for: Any, lang: str) -> None:
    """A result page is short: its "Still need help?" is on screen, so the button that would
    say the same thing over it steps aside, and nothing on the page is under it."""
    page = _phone(page_for, lang)
    page.goto(f"{live_server_url}/help/search/?q={'手续费' if lang == 'zh-hans' else 'fees'}")
    page.get_by_test_id("help-result").first.wait_for()
    page.wait_for_function(FAB_AWAY)
    assert page.evaluate(UNDER_FAB) == []
    _no_page_scroll_sideways(page)
