"""The back office in Chromium at 1440×900: axe-core finds no serious or critical violation on
the admin index, the transactions list and the fee-change form, in Chinese; the screen shows
the branding and no English model names."""

from __future__ import annotations

import re
from typing import Any

import pytest

from walletdesk.conftest import SCREENSHOTS, browser_second_step

pytestmark = pytest.mark.browser

PAGES = [("/admin/", "admin-index"), ("/admin/wallet/transaction/", "admin-transactions"),
         ("/admin/wallet/feepolicy/add/", "admin-fee-change")]


@pytest.fixture
def admin_page(browser: Any, live_server_url: str) -> Any:
    ctx = browser.new_context(locale="zh-CN", viewport={"width": 1440, "height": 900}, bypass_csp=True)
    page = ctx.new_page()
    page.goto(f"{live_server_url}/admin/login/")  # the back office sends staff to /login/
    page.wait_for_url(re.compile(r".*/login/\?next=%2Fadmin%2F$"))
    page.fill("input[name=username]", "admin@walletdesk.example")
    page.fill("input[name=password]", "walletdesk-demo-2026")
    page.locator("form button[type=submit].primary").click()
    browser_second_step(page, live_server_url, "admin@walletdesk.example")
    page.wait_for_url(f"{live_server_url}/admin/")
    yield page
    ctx.close()


@pytest.mark.parametrize(("path", "shot"), PAGES, ids=[p[1] for p in PAGES])
def test_admin_pages_pass_axe_in_chinese(admin_page: Any, live_server_url: str, path: str,
                                         shot: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    admin_page.goto(f"{live_server_url}{path}")
    text = admin_page.locator("body").inner_text()
    assert "walletdesk 管理后台" in text and "Django" not in text
    assert "Deliverys" not in text and "Account holds" not in text
    assert "钱包" in text and "账户与安全" in text  # app names too (the index and the sidebar)
    results = Axe().run(admin_page)
    bad = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
           for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    admin_page.screenshot(path=str(SCREENSHOTS / f"{shot}.png"))
    assert bad == [], bad
