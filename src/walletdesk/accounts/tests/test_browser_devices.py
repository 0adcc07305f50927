"""Browser test: sign out one device from the devices page; its session ends, this one stays."""

from __future__ import annotations

import pytest

from walletdesk.conftest import SCREENSHOTS

from .test_browser import LANGS, STRONG, live_db, new_phone, open_in, sign_up_by_api  # noqa: F401

pytestmark = [pytest.mark.browser]
OTHER_ROW = '[data-testid="device-row"]:not(:has([data-testid="this-device"]))'


def log_in(page, url, lang, login):
    open_in(page, f"{url}/login/", lang)
    page.fill('input[name="username"]', login)
    page.fill('input[name="password"]', STRONG)
    page.click('button[type="submit"].primary')
    page.wait_for_selector('[data-testid="who"]')


@pytest.mark.parametrize("lang", LANGS)
def test_sign_out_one_device(live_server_url, live_db, page_for, lang):  # noqa: F811
    phone = new_phone()
    sign_up_by_api(live_server_url, live_db, phone)  # the API login is a device of its own
    laptop, tablet = page_for(lang), page_for(lang)
    log_in(laptop, live_server_url, lang, phone)
    log_in(tablet, live_server_url, lang, phone)
    laptop.goto(f"{live_server_url}/account/devices/")
    heading = laptop.locator('[data-testid="devices"] h1').inner_text()
    assert heading == ("设备与会话" if lang == "zh-hans" else "Devices and sessions")
    assert laptop.locator('[data-testid="this-device"]').count() == 1
    rows_before = laptop.locator('[data-testid="device-row"]').count()
    assert rows_before == 3
    # The tablet is the newest device other than this one: sign it out by its id.
    newest = max(int(r.get_attribute("data-device"))
                 for r in laptop.locator(OTHER_ROW).all())
    tablet_id = str(newest)
    laptop.click(f'[data-device="{tablet_id}"] [data-testid="sign-out-device"]')
    laptop.wait_for_selector(f'[data-device="{tablet_id}"] [data-testid="device-signed-out"]')
    assert ("已退出登录" if lang == "zh-hans" else "was signed out") in laptop.content()
    if lang == "zh-hans":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        laptop.screenshot(path=str(SCREENSHOTS / "devices.png"), full_page=True)
    tablet.goto(f"{live_server_url}/account/checkup/")
    tablet.wait_for_selector('input[name="username"]')  # back on the login page
    assert "/login/" in tablet.url
    laptop.goto(f"{live_server_url}/account/checkup/")
    assert laptop.locator('[data-testid="who"]').count() == 1  # this one stays signed in
