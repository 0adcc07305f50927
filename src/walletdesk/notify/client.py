"""What the customer is using, in words an agent can read: the app version, the browser and
operating system (from the User-Agent), and whether the app runs installed."""

from __future__ import annotations

import re
import subprocess
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

# Order matters: Edge, Opera and the apps' and phone makers' browsers also say "Chrome" (or
# "Safari"), Chrome also says "Safari". The ones many of our customers use in mainland China
# (Alipay, WeChat, QQ, UC, Quark, Baidu, Huawei, Xiaomi, DingTalk) come first.
_BROWSERS = (("Alipay", r"AlipayClient/(\d+)"), ("WeChat", r"MicroMessenger/(\d+)"),
             ("DingTalk", r"DingTalk/(\d+)"), ("QQ Browser", r"M?QQBrowser/(\d+)"),
             ("UC Browser", r"UCBrowser/(\d+)"), ("Quark", r"Quark/(\d+)"),
             ("Baidu", r"baiduboxapp/(\d+)"), ("Huawei Browser", r"HuaweiBrowser/(\d+)"),
             ("Mi Browser", r"XiaoMi/MiuiBrowser/(\d+)"),
             ("Edge", r"Edg(?:e|A|iOS)?/(\d+)"), ("Opera", r"OPR/(\d+)"),
             ("Samsung Internet", r"SamsungBrowser/(\d+)"),
             ("Firefox", r"(?:Firefox|FxiOS)/(\d+)"), ("Chrome", r"(?:Chrome|CriOS)/(\d+)"),
             ("Chromium", r"Chromium/(\d+)"), ("Safari", r"Version/(\d+)[\d.]* .*Safari/"))
# HarmonyOS also says "Android" on the phones that still run Android apps.
_SYSTEMS = (("iOS", r"(?:iPhone|iPad|iPod).*? OS (\d+)[_\d]*"), ("HarmonyOS", r"HarmonyOS|OpenHarmony"),
            ("Android", r"Android (\d+)"), ("Windows", r"Windows NT"), ("ChromeOS", r"CrOS"),
            ("macOS", r"Mac OS X"), ("Linux", r"Linux"))
DISPLAY_MODES = {"standalone": _("installed app"), "browser": _("browser tab")}


@cache
def app_version() -> str:
    """``WALLETDESK_APP_VERSION`` when the build sets it (an image has no git checkout), else
    the package version plus the commit when running from a git checkout."""
    if settings.APP_VERSION:
        return str(settings.APP_VERSION)
    try:
        version = metadata.version("walletdesk")
    except metadata.PackageNotFoundError:
        version = "0.0.0"
    commit = _commit()
    return f"{version}+{commit}" if commit else version


def _commit() -> str:
    root = Path(__file__).resolve().parents[3]
    if not (root / ".git").exists():
        return ""
    try:
        out = subprocess.run(["git", "-C", str(root), "rev-parse", "--short=10", "HEAD"],
                             capture_output=True, text=True, timeout=5, check=False)
    except (OSError, subprocess.SubprocessError):
        return ""
    return out.stdout.strip() if out.returncode == 0 else ""


def _match(table: tuple[tuple[str, str], ...], ua: str) -> str:
    for name, pattern in table:
        found = re.search(pattern, ua)
        if found:
            return f"{name} {found.group(1)}" if found.groups() else name
    return ""


def describe(user_agent: str, display_mode: str = "") -> dict[str, Any]:
    """{"app_version", "browser", "os", "installed", "summary"}: words, never the raw header."""
    ua = (user_agent or "")[:500]
    browser = _match(_BROWSERS, ua) or str(_("unknown browser"))
    system = _match(_SYSTEMS, ua) or str(_("unknown system"))
    installed = display_mode == "standalone"
    mode = str(DISPLAY_MODES.get(display_mode, ""))
    # Words in the language of the page the customer used (agents serve that language).
    summary = str(_("App %(version)s · %(browser)s on %(system)s")) % {
        "version": app_version(), "browser": browser, "system": system}
    summary += f" · {mode}" if mode else ""
    return {"app_version": app_version(), "browser": browser, "os": system,
            "installed": installed, "display_mode": mode, "summary": summary}


def describe_browser(request: Any) -> dict[str, Any]:
    """``describe`` for the request's browser alone (its ``User-Agent``)."""
    return describe(request.headers.get("User-Agent", ""))


def describe_request(request: Any) -> dict[str, Any]:
    """The same, for a browser request: the page's script leaves the display mode in the
    ``wd_display`` cookie (``standalone`` when the app runs installed)."""
    mode = request.COOKIES.get("wd_display", "")
    return describe(request.headers.get("User-Agent", ""),
                    mode if mode in DISPLAY_MODES else "")
