"""Browser test: a supervisor approves one held payment and rejects another, in both languages
(the demo seeds one held payment for Li Na and one for Alice)."""

from __future__ import annotations

import pytest

from walletdesk.conftest import SCREENSHOTS, browser_login, in_live_db

pytestmark = [pytest.mark.browser]
SUPERVISOR = "chen.jing@walletdesk.example"
CASES = {"zh-hans": ("李娜", "approve"), "en": ("Alice Chen", "reject")}


def open_in(page, url, lang):
    page.goto(url)
    page.click(f'[data-testid="lang-{lang}"]')
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == lang


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_supervisor_decides_a_held_payment(live_server_url, page_for, lang, tmp_path_factory):
    customer, action = CASES[lang]
    page = page_for(lang)
    open_in(page, f"{live_server_url}/login/", lang)
    # staff: with the authenticator code; they land on the console
    browser_login(page, live_server_url, SUPERVISOR, lands=r".*/(wallet|support)/.*$")
    page.goto(f"{live_server_url}/security/reviews/")
    title = page.locator('[data-testid="review-queue"] h1').inner_text()
    assert title == ("暂缓审核的付款" if lang == "zh-hans" else "Payments held for review")
    row = page.locator('[data-testid="review-row"]', has_text=customer)
    assert row.count() == 1
    if lang == "zh-hans":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "review-queue.png"), full_page=True)
    row.locator('[data-testid="review-open"]').click()
    page.wait_for_selector('[data-testid="review-case"]')
    assert page.locator('[data-testid="review-reasons"] li').count() == 1
    page.click(f'[data-testid="review-{action}"]')  # no reason yet: refused, nothing decided
    page.wait_for_selector('[data-testid="review-case"] .error')
    assert page.locator('[data-testid="review-status"]').inner_text() == (
        "待处理" if lang == "zh-hans" else "open")
    page.fill('textarea[name="note"]', "已电话核实本人" if lang == "zh-hans" else
              "Payee matches a known scam pattern")
    if action == "reject":
        page.check('input[name="freeze"]')
    page.click(f'[data-testid="review-{action}"]')
    page.wait_for_selector('[data-testid="review-queue"]')
    done = page.locator('[data-testid="review-closed"]', has_text=customer)
    assert done.count() == 1
    expected = {"approve": ("已通过", "approved"), "reject": ("已拒绝", "rejected")}[action]
    assert expected[0 if lang == "zh-hans" else 1] in done.inner_text()
    assert page.locator('[data-testid="review-row"]', has_text=customer).count() == 0
    if action == "reject":
        # The freeze is real, and staff lift it (here through the service the admin calls),
        # so that Alice can pay again in the browser tests that come after this one.
        in_live_db(tmp_path_factory, "from walletdesk.accounts import services as s\n"
                   "from walletdesk.accounts.services import holds\n"
                   "from walletdesk.risk.services import review\n"
                   "u = s.find_user_by_login('alice@example.com')\n"
                   "boss = s.find_user_by_login('chen.jing@walletdesk.example')\n"
                   "frozen = list(holds.active(u).filter(kind='review'))\n"
                   "assert len(frozen) == 1, frozen\n"
                   "assert review.release_review_hold(boss, frozen[0])\n"
                   "assert not holds.active(u).exists()\n")
