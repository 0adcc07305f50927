"""The installable app: the manifest, the service worker's allow-list, the offline page,
the CSP, and what a new support conversation learns about the app."""

from __future__ import annotations

import json
import re
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from PIL import Image

from walletdesk.notify.client import app_version, describe

pytestmark = [pytest.mark.django_db]


def test_manifest_is_valid_and_its_icons_exist() -> None:
    r = Client().get("/manifest.webmanifest?lang=en")
    assert r.status_code == 200
    assert r["Content-Type"].startswith("application/manifest+json")
    data = json.loads(r.content)
    for key in ("name", "short_name", "start_url", "display", "theme_color", "background_color",
                "icons", "scope", "id"):
        assert data[key], key
    assert data["display"] == "standalone" and data["start_url"].startswith("/")
    assert re.fullmatch(r"#[0-9a-f]{6}", data["theme_color"])
    seen = set()
    for icon in data["icons"]:
        path = finders.find(icon["src"].removeprefix("/static/"))
        assert path, icon["src"]
        with Image.open(Path(path)) as img:
            assert img.format == "PNG"
            assert f"{img.width}x{img.height}" == icon["sizes"]
        seen.add((icon["sizes"], icon["purpose"]))
    assert {("192x192", "any"), ("512x512", "any"), ("192x192", "maskable"),
            ("512x512", "maskable")} <= seen


def test_manifest_in_the_pages_language() -> None:
    zh = json.loads(Client().get("/manifest.webmanifest?lang=zh-hans").content)
    en = json.loads(Client().get("/manifest.webmanifest?lang=en").content)
    assert zh["name"] == "walletdesk" and en["name"] == "walletdesk"
    assert json.loads(Client().get("/manifest.webmanifest?lang=xx").content)["name"]


def test_pages_link_the_manifest_and_the_worker_script(customer: Any) -> None:
    c = Client()
    html = c.get("/login/").content.decode()
    assert 'rel="manifest" href="/manifest.webmanifest?lang=' in html
    assert 'data-sw="/sw.js"' in html and 'id="pwa-update"' in html


def worker() -> tuple[Any, str]:
    r = Client().get("/sw.js")
    return r, r.content.decode()


def test_worker_is_served_from_the_root_for_the_whole_site() -> None:
    r, js = worker()
    assert r.status_code == 200 and r["Content-Type"].startswith("text/javascript")
    assert r["Service-Worker-Allowed"] == "/"
    assert "no-cache" in r["Cache-Control"]
    assert 'const CACHE = "walletdesk-shell-" + VERSION;' in js  # a deploy = a new cache
    assert f'const VERSION = {json.dumps(app_version())};' in js


def test_worker_caches_only_static_files_and_the_offline_page() -> None:
    _r, js = worker()
    shell = json.loads(re.search(r"const SHELL = (\[.*?\]);", js).group(1))
    assert shell and all(u.startswith("/static/") or u == "/offline/" for u in shell)
    assert 'const STATIC_PREFIX = "/static/";' in js and 'const OFFLINE = "/offline/";' in js
    rule = re.search(r"function cacheable\(url\) \{(.*?)\n\}", js, re.S).group(1)
    # The one rule that lets a response into the cache: same origin, no query, and the
    # path is the offline page or under the static prefix. Nothing else is named.
    assert "url.origin !== self.location.origin" in rule and "url.search" in rule
    assert re.findall(r"url\.pathname[^;|&]*", rule) == [
        "url.pathname === OFFLINE ", "url.pathname.startsWith(STATIC_PREFIX)"]
    assert js.count("cache.put(") == 1 and "cacheable(url)" in js
    for personal in ("/api/", "/wallet/", "/account/", "/support/", "/notify/", "/security/"):
        assert not any(u.startswith(personal) for u in shell)
    # Pages are network-only: a navigation only ever falls back to the offline page.
    assert "cache.match(OFFLINE)" in js


def test_offline_page_holds_nothing_personal(customer: Any) -> None:
    c = Client()
    c.force_login(customer)
    html = c.get("/offline/").content.decode()
    assert 'data-testid="offline-page"' in html
    assert customer.email not in html and "Alice" not in html
    assert "csrfmiddlewaretoken" not in html and "<form" not in html
    assert "您现在处于离线状态" in html and "You are offline" in html


def test_csp_allows_the_worker_and_the_manifest_from_our_origin() -> None:
    csp = Client().get("/login/")["Content-Security-Policy"]
    assert "worker-src 'self'" in csp and "manifest-src 'self'" in csp
    assert "script-src 'self'" in csp  # no inline script needed


def test_offline_and_shell_files_are_served(customer: Any) -> None:
    _r, js = worker()
    shell = json.loads(re.search(r"const SHELL = (\[.*?\]);", js).group(1))
    for url in shell:
        if url.startswith("/static/"):
            assert finders.find(url.removeprefix("/static/")), url


@pytest.mark.parametrize(("ua", "browser", "system"), [
    ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/120.0.6099.43 Mobile Safari/537.36", "Chrome 120", "Android 14"),
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
     "Gecko) Version/17.1 Mobile/15E148 Safari/604.1", "Safari 17", "iOS 17"),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/120.0.0.0 Safari/537.36 Edg/120.0.2210.61", "Edge 120", "Windows"),
    ("Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0", "Firefox 121",
     "Linux"),
    ("Mozilla/5.0 (Linux; Android 13; V2118A) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/107.0 Mobile Safari/537.36 MicroMessenger/8.0.42.2460", "WeChat 8", "Android 13"),
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
     "Gecko) Mobile/15E148 ChannelId(1) Ariver/1.1.0 AliApp(AP/10.6.10.8000) Nebula WK "
     "RVKType(0) AlipayDefined(nt:WIFI,ws:390|844|3.0) AlipayClient/10.6.10.8000 Language/zh-Hans "
     "Region/CN", "Alipay 10", "iOS 17"),
    ("Mozilla/5.0 (Linux; U; Android 12; zh-CN; V2183A Build/SP1A.210812.003) AppleWebKit/537.36 "
     "(KHTML, like Gecko) Version/4.0 Chrome/100.0.4896.58 UCBrowser/16.3.2.1302 Mobile Safari/537.36",
     "UC Browser 16", "Android 12"),
    ("Mozilla/5.0 (Linux; Android 10; HarmonyOS; NOH-AN00) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Version/4.0 Chrome/99.0.4844.88 HuaweiBrowser/14.0.5.302 Mobile Safari/537.36",
     "Huawei Browser 14", "HarmonyOS"),
    ("Mozilla/5.0 (Linux; U; Android 13; zh-cn; 22081212C Build/TKQ1.220829.002) AppleWebKit/537.36 "
     "(KHTML, like Gecko) Version/4.0 Chrome/109.0.5414.118 Mobile Safari/537.36 "
     "XiaoMi/MiuiBrowser/17.7.140 swan-mibrowser", "Mi Browser 17", "Android 13"),
    ("Mozilla/5.0 (Linux; U; Android 11; zh-cn; PDRM00 Build/RKQ1.200903.002) AppleWebKit/537.36 "
     "(KHTML, like Gecko) Version/4.0 Chrome/90.0.4430.210 MQQBrowser/14.2 Mobile Safari/537.36",
     "QQ Browser 14", "Android 11"),
    ("", "unknown browser", "unknown system"),
])
def test_browser_and_system_in_words(ua: str, browser: str, system: str) -> None:
    from django.utils import translation

    with translation.override("en"):
        got = describe(ua, "standalone")
        plain = describe(ua)
    assert (got["browser"], got["os"], got["installed"]) == (browser, system, True)
    assert got["summary"] == f"App {app_version()} · {browser} on {system} · installed app"
    assert plain["installed"] is False
    with translation.override("zh-hans"):
        assert describe(ua, "standalone")["summary"].endswith(" · 已安装的应用")


def test_a_new_conversation_carries_the_app_and_device(customer: Any) -> None:
    from walletdesk.support.models import Conversation

    c = Client(HTTP_USER_AGENT="Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) "
                               "AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 "
                               "Mobile/15E148 Safari/604.1")
    c.force_login(customer)
    c.cookies["wd_display"] = "standalone"
    r = c.post("/support/new/", {"topic": "general", "message": "The app shows a blank page"})
    assert r.status_code == 302
    client = Conversation.objects.get(customer=customer).context["client"]
    assert client["app_version"] == app_version()
    assert (client["browser"], client["os"], client["installed"]) == ("Safari 17", "iOS 17", True)


def test_the_api_conversation_carries_it_too(api: Any) -> None:
    from walletdesk.support.models import Conversation

    api.client.defaults["HTTP_USER_AGENT"] = "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Firefox/121.0"
    r = api.post("/api/v1/support/conversations", {"topic": "general", "message": "help"})
    assert r.status_code == 201
    client = Conversation.objects.get().context["client"]
    assert client["browser"] == "Firefox 121" and client["installed"] is False


def test_icons_are_square_pngs_of_the_right_size() -> None:
    for size in (192, 512):
        for name in (f"icon-{size}.png", f"icon-maskable-{size}.png"):
            data = Path(finders.find(f"web/pwa/{name}")).read_bytes()  # type: ignore[arg-type]
            with Image.open(BytesIO(data)) as img:
                assert img.size == (size, size)
