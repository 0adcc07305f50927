"""The installable app in Debian's Chromium: the service worker takes control after a
reload, keeps personal answers out of its cache, and shows the offline page when the
server cannot be reached; the bell and the notification centre on a phone."""

from __future__ import annotations

from typing import Any

import pytest

from walletdesk.conftest import SCREENSHOTS
from walletdesk.conftest import browser_login as login

pytestmark = pytest.mark.browser

CACHED_URLS = """async () => {
  const out = [];
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const req of await cache.keys()) out.push(name + " " + new URL(req.url).pathname);
  }
  return out;
}"""


def controlled(page: Any) -> bool:
    return bool(page.evaluate("() => !!navigator.serviceWorker.controller"))


def test_worker_controls_the_page_caches_no_personal_data_and_serves_offline(
        live_server_url: str, page_for: Any) -> None:
    page = page_for("en")
    login(page, live_server_url, "zhang.wei@example.cn")
    page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    page.wait_for_function("() => !!navigator.serviceWorker.controller")
    assert controlled(page)

    # Personal answers pass through the worker but never into its cache.
    status = page.evaluate("""() => fetch('/api/v1/wallet', {credentials: 'same-origin'})
                                     .then(r => r.status)""")
    assert status == 200
    page.goto(f"{live_server_url}/wallet/history/")
    cached = page.evaluate(CACHED_URLS)
    paths = [c.split(" ", 1)[1] for c in cached]
    assert "/offline/" in paths and any(p.startswith("/static/web/pwa/") for p in paths)
    assert all(p.startswith("/static/") or p == "/offline/" for p in paths), cached
    assert not any(p.startswith(("/api/", "/wallet/", "/account/", "/support/")) for p in paths)
    assert all(c.startswith("walletdesk-shell-") for c in cached)

    # The server cannot be reached: a navigation shows the cached offline page.
    page.context.set_offline(True)
    try:
        page.goto(f"{live_server_url}/wallet/")
        assert page.get_by_test_id("offline-page").is_visible()
        assert "You are offline" in page.inner_text("body")
        assert "zhang.wei" not in page.content()
        page.set_viewport_size({"width": 390, "height": 844})
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "pwa-offline-phone.png"))
    finally:
        page.context.set_offline(False)
    page.goto(f"{live_server_url}/wallet/")
    assert not page.get_by_test_id("offline-page").is_visible()


def test_bell_and_notification_centre_on_a_phone(live_server_url: str, browser: Any,
                                                 tmp_path_factory: pytest.TempPathFactory) -> None:
    from walletdesk.conftest import in_live_db

    in_live_db(tmp_path_factory, (
        "from walletdesk.accounts.models import User\n"
        "from walletdesk.notify import inbox\n"
        "u = User.objects.get(email='zhang.wei@example.cn')\n"
        "inbox.add(u, 'security', '新设备登录', '您的账户在 Pixel 8 上有新的登录。', "
        "link='/security/', source='browser-test-1')\n"
        "inbox.add(u, 'fee_change', '提现费用调整', '下周起提现收费 0.1%。', link='/wallet/fees/', "
        "source='browser-test-2')\n"))
    ctx = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844},
                              has_touch=True, is_mobile=True)
    try:
        page = ctx.new_page()
        login(page, live_server_url, "zhang.wei@example.cn")
        count = page.get_by_test_id("bell-count")
        assert int(count.inner_text()) >= 2
        page.get_by_test_id("nav-bell").click()
        page.wait_for_url("**/notify/")
        assert page.get_by_test_id("notification").count() >= 2
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
        page.screenshot(path=str(SCREENSHOTS / "notifications-phone.png"), full_page=True)
        page.get_by_test_id("read-all").click()
        page.wait_for_url("**/notify/")
        assert page.get_by_test_id("bell-count").count() == 0
    finally:
        ctx.close()
