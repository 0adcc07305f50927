"""The installable app in Debian's Chromium: the service worker takes control after a
reload, keeps personal answers out of its cache, and shows the offline page when the
server cannot be reached; the bell and the notification centre on a phone."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
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
        "from walletdesk.notify.services import inbox\n"
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


def _serve(db: Path, port: int, version: str) -> subprocess.Popen[bytes]:
    """The live server's database served by another process of a given app version (no job
    worker: the live server's runs the jobs)."""
    env = {**os.environ, "WALLETDESK_VAR_DIR": str(db.parent),
           "WALLETDESK_DATABASE_URL": f"sqlite:///{db}", "WALLETDESK_APP_VERSION": version,
           "WALLETDESK_WORKER_MODE": "external", "WALLETDESK_LOG_LEVEL": "WARNING"}
    env.pop("WALLETDESK_REDIS_URL", None)
    log = db.parent / f"server-{version}.log"
    with log.open("w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "walletdesk.cli", "serve", "--port",
                                 str(port), "--log-level", "warning"], env=env, stdout=out,
                                stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError(log.read_text()[-3000:])


def _stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    proc.wait(timeout=15)


def test_a_new_version_offers_a_reload_that_activates_it(
        live_server_url: str, page_for: Any, tmp_path_factory: pytest.TempPathFactory) -> None:
    from walletdesk.conftest import _free_port

    db = next(tmp_path_factory.getbasetemp().glob("live*/live.sqlite3"))
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    old = _serve(db, port, "9.0.0-old")
    try:
        page = page_for("en")
        page.goto(f"{url}/login/")
        page.wait_for_function("() => !!navigator.serviceWorker.controller")
        assert not page.get_by_test_id("pwa-update").is_visible()  # first install: no prompt
        assert any(c.startswith("walletdesk-shell-9.0.0-old ") for c in page.evaluate(CACHED_URLS))
    finally:
        _stop(old)
    new = _serve(db, port, "9.0.1-new")  # a deploy
    try:
        page.reload()  # the browser checks /sw.js, finds it changed, installs the new worker
        page.get_by_test_id("pwa-update").wait_for(state="visible", timeout=20_000)
        assert "A new version of the app is available." in page.get_by_test_id("pwa-update").inner_text()
        page.set_viewport_size({"width": 390, "height": 844})
        page.screenshot(path=str(SCREENSHOTS / "pwa-update-phone.png"))
        with page.expect_navigation():
            page.get_by_test_id("pwa-reload").click()
        page.wait_for_function("() => !!navigator.serviceWorker.controller")
        names = {c.split(" ", 1)[0] for c in page.evaluate(CACHED_URLS)}
        assert names == {"walletdesk-shell-9.0.1-new"}  # the old cache is gone
        assert not page.get_by_test_id("pwa-update").is_visible()
    finally:
        _stop(new)
