"""Removing a card on a phone (390×844, touch) in Chinese (ADR 0127): the Cards page's buttons
are whole tap targets, Remove goes through a confirm page, the page then names the card that
was removed and the card that is now the default. Nothing wider than the screen and no serious
or critical axe-core finding. Screenshots: phone-cards-zh.png, phone-card-remove-zh.png,
phone-card-removed-zh.png."""

from __future__ import annotations

import re
from typing import Any

import pytest

from walletdesk.conftest import browser_login

from .test_browser_money import PHONE, fits_and_passes_axe, shot

pytestmark = pytest.mark.browser

NEW_CARD = "5555555555554444"  # Mastercard •••• 4444, linked and removed by this test


def tap_targets_too_small(page: Any) -> list[str]:
    """Every button of the card rows that is less than 44×44 px."""
    sizes = page.locator("[data-testid=card-row] .card-actions :is(a, button)").evaluate_all(
        "els => els.map(e => [e.innerText, e.getBoundingClientRect().width, "
        "e.getBoundingClientRect().height])")
    return [f"{text!r}: {w:.0f}×{h:.0f} px" for text, w, h in sizes if w < 44 or h < 44]


def test_remove_a_card_on_a_phone_in_chinese(live_server_url: str, browser: Any) -> None:
    url = live_server_url
    ctx = browser.new_context(locale="zh-CN", **PHONE)
    problems: list[str] = []
    try:
        page = ctx.new_page()
        page.set_default_timeout(20_000)
        browser_login(page, url, "zhang.wei@example.cn")
        page.goto(f"{url}/wallet/cards/")
        page.locator("[name=kind]").select_option("credit_card")
        page.fill("[name=card_number]", NEW_CARD)
        page.locator("form button.primary").click()
        page.goto(f"{url}/wallet/cards/")

        rows = page.get_by_test_id("card-row")
        new_row = rows.filter(has_text="•••• 4444")
        assert new_row.get_by_test_id("card-default").inner_text() == "默认"
        assert new_row.get_by_test_id("card-make-default").count() == 0
        others = rows.filter(has_not_text="•••• 4444")
        assert others.get_by_test_id("card-make-default").count() >= 1  # the old credit card
        for row in range(rows.count()):  # the name, then the buttons: never squeezed
            name = rows.nth(row).locator(".title")
            assert name.evaluate("e => e.scrollWidth <= e.clientWidth"), name.inner_text()
        problems += tap_targets_too_small(page)
        problems += fits_and_passes_axe(page, "cards")
        shot(page, "phone-cards-zh.png")

        new_row.get_by_test_id("card-remove").click()
        page.wait_for_url(re.compile(r".*/wallet/cards/pm_[0-9a-f]+/remove/$"))
        sheet = page.get_by_test_id("remove-sheet")
        assert "解绑这张卡？" in sheet.inner_text()
        assert page.get_by_test_id("remove-card").inner_text() == "Mastercard •••• 4444"
        assert "仍会完成" in page.get_by_test_id("remove-pending").inner_text()
        for button in ("remove-confirm", "remove-keep"):
            box = page.get_by_test_id(button).bounding_box()
            assert box["height"] >= 44 and box["width"] >= 300, (button, box)
        problems += fits_and_passes_axe(page, "remove confirm")
        shot(page, "phone-card-remove-zh.png")

        page.get_by_test_id("remove-confirm").click()
        page.wait_for_url(re.compile(r".*/wallet/cards/$"))
        said = page.locator(".messages").inner_text()
        assert "已解绑：Mastercard •••• 4444" in said
        assert "默认信用卡已改为 UnionPay" in said  # the old credit card is the default again
        assert "•••• 4444" not in page.get_by_test_id("cards").inner_text()
        problems += tap_targets_too_small(page)
        problems += fits_and_passes_axe(page, "card removed")
        shot(page, "phone-card-removed-zh.png")
    finally:
        ctx.close()
    assert not problems, "\n".join(problems)


TWICE_CARD = "5105105105105100"  # Mastercard •••• 5100, linked, refused once more, removed


def test_a_card_linked_twice_is_refused_under_its_number_on_a_phone(live_server_url: str,
                                                                      browser: Any) -> None:
    """ADR 0129: the second link of the same number (typed with spaces this time) stays on the
    form, with the refusal in Chinese right under the card number; the card is listed once."""
    url = live_server_url
    ctx = browser.new_context(locale="zh-CN", **PHONE)
    problems: list[str] = []
    try:
        page = ctx.new_page()
        page.set_default_timeout(20_000)
        browser_login(page, url, "zhang.wei@example.cn")
        for typed in (TWICE_CARD, "5105 1051 0510 5100"):
            page.goto(f"{url}/wallet/cards/")
            page.locator("[name=kind]").select_option("credit_card")
            page.fill("[name=card_number]", typed)
            with page.expect_navigation():
                page.locator("form button.primary").click()
        assert page.url.endswith("/wallet/cards/")
        error = page.locator("label:has([name=card_number]) + p.error")
        assert error.inner_text() == "这张卡已绑定在您的钱包中。"
        assert error.get_attribute("role") == "alert"
        assert page.get_by_test_id("card-row").filter(has_text="•••• 5100").count() == 1
        problems += fits_and_passes_axe(page, "card linked twice")
        shot(page, "phone-card-linked-twice-zh.png")

        # Leave the demo wallet as it was: the card is removed again.
        row = page.get_by_test_id("card-row").filter(has_text="•••• 5100")
        row.get_by_test_id("card-remove").click()
        page.get_by_test_id("remove-confirm").click()
        page.wait_for_url(re.compile(r".*/wallet/cards/$"))
        assert "•••• 5100" not in page.get_by_test_id("cards").inner_text()
    finally:
        ctx.close()
    assert not problems, "\n".join(problems)
