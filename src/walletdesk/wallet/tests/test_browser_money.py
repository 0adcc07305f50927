"""The money pages on a phone (390×844, touch), in Chinese and English: a transfer goes
through the review sheet (fee and total shown before money moves), a pending top-up shows
live progress and turns into a plain "did not go through, no fee" without a reload by hand,
and two-step setup shows its QR code and recovery-code step. On every page: nothing wider
than the screen and no serious or critical axe-core finding. Screenshots go to
docs/screenshots/phone-*.png."""

from __future__ import annotations

import re
from typing import Any

import pyotp
import pytest

from walletdesk.conftest import DEMO_PASSWORD, SCREENSHOTS, browser_login

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
         "device_scale_factor": 2}
WHO = {"zh-hans": ("zhang.wei@example.cn", "bob@example.com", "CNY", "¥12.30"),
       "en": ("alice@example.com", "bob@example.com", "HKD", "HK$12.30")}


def fits_and_passes_axe(page: Any, name: str) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    problems = []
    scroll, inner = page.evaluate("() => [document.documentElement.scrollWidth, innerWidth]")
    if scroll > inner:
        problems.append(f"{name}: {scroll} px wide on a {inner} px screen")
    found = Axe().run(page, options={"resultTypes": ["violations"]}).response["violations"]
    problems += [f"{name}: axe {v['id']} {v['nodes'][0]['target']}" for v in found
                 if v["impact"] in {"serious", "critical"}]
    return problems


def shot(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / name), full_page=True)


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_transfer_through_the_review_sheet_on_a_phone(live_server_url: str, browser: Any,
                                                      lang: str) -> None:
    url, short = live_server_url, "zh" if lang == "zh-hans" else "en"
    sender, recipient, currency, amount = WHO[lang]
    ctx = browser.new_context(locale="zh-CN" if lang == "zh-hans" else "en-US", **PHONE)
    problems: list[str] = []
    try:
        page = ctx.new_page()
        page.set_default_timeout(20_000)
        browser_login(page, url, sender)
        page.goto(f"{url}/wallet/transfer/")
        assert page.locator("[name=amount]").get_attribute("inputmode") == "decimal"
        problems += fits_and_passes_axe(page, "transfer form")
        page.fill("[name=to]", recipient)
        page.fill("[name=amount]", "12.30")
        page.locator("[name=currency]").select_option(currency)
        page.get_by_test_id("submit").click()

        sheet = page.get_by_test_id("review-sheet")
        sheet.wait_for()
        assert "/wallet/t/" not in page.url  # nothing moved yet
        assert page.get_by_test_id("review-amount").inner_text() == amount
        assert page.get_by_test_id("review-fee").inner_text().strip()
        assert page.get_by_test_id("review-total").inner_text().startswith(amount[:-5])
        assert "Bob" in page.get_by_test_id("review-recipient").inner_text()
        problems += fits_and_passes_axe(page, "review sheet")
        shot(page, f"phone-review-sheet-{short}.png")

        page.get_by_test_id("confirm").click()
        page.wait_for_url(re.compile(r".*/wallet/t/tx_[0-9a-f]+/$"))
        done = "已完成" if lang == "zh-hans" else "Completed"
        assert page.get_by_test_id("status").inner_text() == done
        sent = "转账成功" if lang == "zh-hans" else "Transfer sent"
        assert sent in page.get_by_test_id("receipt").inner_text()
        problems += fits_and_passes_axe(page, "transfer detail")
        shot(page, f"phone-transfer-sent-{short}.png")
        page.goto(f"{url}/wallet/history/?type=transfer")
        problems += fits_and_passes_axe(page, "history")
        page.goto(f"{url}/wallet/statement/")
        problems += fits_and_passes_axe(page, "statement")
        shot(page, f"phone-statement-{short}.png")
        for path in ("/wallet/", "/wallet/history/", "/wallet/top-up/", "/wallet/pay/",
                     "/wallet/withdraw/", "/wallet/cards/",
                     "/wallet/fees/?operation=payment&amount=100&currency=CNY"):
            page.goto(url + path)
            problems += fits_and_passes_axe(page, path)
    finally:
        ctx.close()
    assert not problems, "\n".join(problems)


def test_pending_top_up_shows_progress_then_fails_in_words(live_server_url: str,
                                                           browser: Any) -> None:
    """A card that the simulator declines (last digits 0002): the page follows it by itself."""
    url = live_server_url
    ctx = browser.new_context(locale="en-US", **PHONE)
    problems: list[str] = []
    try:
        page = ctx.new_page()
        page.set_default_timeout(20_000)
        browser_login(page, url, "alice@example.com")
        page.goto(f"{url}/wallet/cards/")
        page.locator("[name=kind]").select_option("credit_card")
        page.fill("[name=card_number]", "6222021234560200002")
        page.locator("form button.primary").click()
        page.goto(f"{url}/wallet/top-up/")
        source = page.locator("[name=source] option").filter(has_text="0002").first
        page.locator("[name=source]").select_option(source.get_attribute("value"))
        page.fill("[name=amount]", "50.00")
        page.locator("[name=currency]").select_option("CNY")
        page.get_by_test_id("submit").click()
        page.get_by_test_id("review-sheet").wait_for()
        assert page.get_by_test_id("review-source").locator("input[type=radio]").count() >= 2
        problems += fits_and_passes_axe(page, "top-up review with a card choice")
        shot(page, "phone-review-card-en.png")
        page.get_by_test_id("confirm").click()
        page.wait_for_url(re.compile(r".*/wallet/t/tx_[0-9a-f]+/$"))
        progress = page.get_by_test_id("progress")
        if progress.count():  # still pending when the page came: the live progress is shown
            assert page.locator("meta[http-equiv=refresh]").count() == 0
            assert progress.get_by_test_id("progress-state").inner_text() == "Pending"
            shot(page, "phone-pending-en.png")
        # The page updates itself when the network declines it.
        page.get_by_test_id("outcome").wait_for(timeout=20_000)
        assert page.get_by_test_id("txn-fee").inner_text() == "No fee charged"
        assert "What to do next:" in page.get_by_test_id("outcome-next").inner_text()
        assert "do_not_honor" not in page.content()
        problems += fits_and_passes_axe(page, "failed top-up")
        shot(page, "phone-failed-en.png")
    finally:
        ctx.close()
    assert not problems, "\n".join(problems)


def test_merchant_page_on_a_phone(live_server_url: str, browser: Any) -> None:
    ctx = browser.new_context(locale="zh-CN", **PHONE)
    try:
        page = ctx.new_page()
        page.set_default_timeout(20_000)
        page.goto(f"{live_server_url}/login/")
        page.fill("input[name=username]", "coffee@merchant.example")
        page.fill("input[name=password]", DEMO_PASSWORD)
        page.locator("form button[type=submit].primary").click()
        page.wait_for_load_state()
        page.goto(f"{live_server_url}/wallet/merchant/")
        problems = fits_and_passes_axe(page, "merchant")
        shot(page, "phone-merchant-zh.png")
    finally:
        ctx.close()
    assert not problems, "\n".join(problems)


def test_two_step_setup_on_a_phone_in_chinese(live_server_url: str, browser: Any) -> None:
    url = live_server_url
    ctx = browser.new_context(locale="zh-CN", **PHONE)
    ctx.grant_permissions(["clipboard-read", "clipboard-write"], origin=url)
    problems: list[str] = []
    try:
        page = ctx.new_page()
        page.set_default_timeout(20_000)
        browser_login(page, url, "bob@example.com")
        page.goto(f"{url}/account/two-factor/")
        page.get_by_test_id("begin-totp").click()
        qr = page.get_by_test_id("totp-qr").locator("svg")
        qr.wait_for()
        assert qr.bounding_box()["width"] >= 150
        card = page.get_by_test_id("two-factor").bounding_box()
        link = page.get_by_test_id("otpauth").bounding_box()
        assert link["x"] + link["width"] <= card["x"] + card["width"] + 1
        secret = page.get_by_test_id("totp-secret").get_attribute("data-key")
        page.get_by_test_id("copy-secret").click()  # the key without its spaces, and a word
        page.locator(".copy-done").wait_for()
        assert page.locator(".copy-done").inner_text() == "已复制"
        assert page.evaluate("() => navigator.clipboard.readText()") == secret
        problems += fits_and_passes_axe(page, "two-step: scan")
        shot(page, "phone-two-factor-zh.png")

        page.fill("[name=code]", pyotp.TOTP(secret).now())
        page.get_by_test_id("submit").click()
        page.get_by_test_id("recovery-codes").wait_for()
        assert page.locator("[data-testid=recovery-codes] li").count() == 10
        page.get_by_test_id("copy-codes").click()
        page.locator("[data-testid=copy-codes] + .copy-done").wait_for()
        copied = page.evaluate("() => navigator.clipboard.readText()").split("\n")
        assert copied == page.locator("[data-testid=recovery-codes] li").all_inner_texts()
        assert page.get_by_test_id("download-codes").get_attribute("download").endswith(".txt")
        problems += fits_and_passes_axe(page, "two-step: recovery codes")
        shot(page, "phone-recovery-codes-zh.png")
        page.get_by_test_id("saved-box").check()
        page.get_by_test_id("saved-submit").click()
        page.wait_for_load_state()
        assert page.get_by_test_id("recovery-codes").count() == 0
        # Put Bob back as the other browser tests expect him: no second step.
        page.locator("form:has(input[value=disable]) button").click()
        page.wait_for_load_state()
    finally:
        ctx.close()
    assert not problems, "\n".join(problems)
