"""The contact hub, the official contacts and the verification page on a phone (390 px), in
Chinese and English: help first (the scam notice, "Talk to a person", then every channel with
its state and wait in one row), the wait charts folded after the channels, no ISO date, no
serious or critical axe-core finding."""

from __future__ import annotations

import re
from typing import Any

import pytest

from walletdesk.conftest import SCREENSHOTS, browser_login

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
         "device_scale_factor": 2}
CUSTOMER = {"zh-hans": "zhang.wei@example.cn", "en": "alice@example.com"}
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


def _serious_axe(page: Any) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    found = Axe().run(page, options={"resultTypes": ["violations"]}).response["violations"]
    return [f"{v['impact']} {v['id']}: {[n['target'] for n in v['nodes']][:3]}" for v in found
            if v["impact"] in ("serious", "critical")]


def _top(page: Any, selector: str) -> float:
    return float(page.locator(selector).first.bounding_box()["y"])


def _fits(page: Any) -> None:
    width = page.evaluate("() => [document.documentElement.scrollWidth, innerWidth]")
    assert width[0] <= width[1], f"{width[0]} px wide on a {width[1]} px screen"


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_on_a_phone_help_comes_first(live_server_url: str, browser: Any, lang: str) -> None:
    ctx = browser.new_context(locale="zh-CN" if lang == "zh-hans" else "en-US", **PHONE)
    try:
        page = ctx.new_page()
        browser_login(page, live_server_url, CUSTOMER[lang])
        page.goto(f"{live_server_url}/contact/?region=CN&tz=Asia/Shanghai")
        notice, talk = _top(page, "[data-testid=scam-notice]"), _top(page, "[data-testid=talk-to-person]")
        first = _top(page, ".dchannel")
        # The scam notice, then the primary action, then the first channel, all above the fold.
        assert notice < talk < first < 844 - 60, (notice, talk, first)  # 60: the tab bar
        assert page.locator(".dchannel").first.get_attribute("data-testid") == "channel-chat"
        forecast = page.get_by_test_id("wait-forecast")
        if forecast.count():  # the charts come after every channel, folded
            assert _top(page, ".dchannel >> nth=-1") < _top(page, "[data-testid=wait-forecast]")
            assert not page.locator(".dfc-chart").first.is_visible()
            forecast.locator("summary").click()
            chart = page.locator(".dfc-chart").first
            assert chart.is_visible() and chart.get_attribute("aria-label")
        # Each way to reach a person is one row: its state and its times fit under its name.
        hotline = page.locator("[data-testid=channel-phone][data-value='+864008201024']")
        row = hotline.locator(".dchannel-main")
        assert row.get_attribute("href") == "tel:+864008201024"
        assert float(row.bounding_box()["height"]) < 130
        text = page.inner_text("main") if page.locator("main").count() else page.inner_text("body")
        assert not ISO_DATE.search(text), ISO_DATE.findall(text)
        _fits(page)
        assert not _serious_axe(page), _serious_axe(page)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        short = "zh" if lang == "zh-hans" else "en"  # the whole page (web's shot is the first screen)
        page.screenshot(path=str(SCREENSHOTS / f"phone-contact-hub-full-{short}.png"), full_page=True)
    finally:
        ctx.close()


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_official_and_verify_on_a_phone(live_server_url: str, browser: Any, lang: str) -> None:
    ctx = browser.new_context(locale="zh-CN" if lang == "zh-hans" else "en-US", **PHONE)
    try:
        page = ctx.new_page()
        for path in ("/contact/official/", "/contact/verify/?value=400%20820%201024",
                     "/contact/verify/?value=walletdesk-help.com"):
            page.goto(live_server_url + path)
            text = page.inner_text("body")
            assert not ISO_DATE.search(text), (path, ISO_DATE.findall(text))
            assert "region CN" not in text and "地区 CN" not in text, path
            _fits(page)
            assert not _serious_axe(page), (path, _serious_axe(page))
            if path == "/contact/official/":
                _official_on_a_phone(page, lang)
    finally:
        ctx.close()


def _official_on_a_phone(page: Any, lang: str) -> None:
    """The check is on the first screen; every number is shown, the hours folded; the page is
    far shorter than the 4,600 px it was (each region's hours and accounts, and the same website
    under every region, laid out in full)."""
    assert _top(page, "[data-testid=check-input]") < 844 - 60
    assert page.locator("[data-testid=region-hours] table").first.is_visible() is False
    for value in ("+864008201024", "+862160101024", "+85230082048", "+442079460958"):
        assert page.locator(f".dchannel[data-value='{value}'] .dvalue").is_visible(), value
    height = page.evaluate("() => document.documentElement.scrollHeight")
    assert height < 3800, f"{height} px tall"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    short = "zh" if lang == "zh-hans" else "en"
    page.screenshot(path=str(SCREENSHOTS / f"phone-official-{short}.png"), full_page=True)
    page.locator("[data-testid=region-CN] [data-testid=region-hours] summary").click()
    assert page.locator("[data-testid=region-CN] [data-testid=region-hours] table").first.is_visible()
    _fits(page)


def test_a_hong_kong_phone_reads_the_hub_in_traditional_script(live_server_url: str,
                                                               browser: Any) -> None:
    """A zh-HK browser gets zh-hant: the page's words and the directory's own records (regions,
    channels, their notes) in Traditional characters, none left in Simplified."""
    from walletdesk.core import hant

    ctx = browser.new_context(locale="zh-HK", timezone_id="Asia/Hong_Kong", **PHONE)
    try:
        page = ctx.new_page()
        page.goto(f"{live_server_url}/contact/official/")
        assert page.locator("html").get_attribute("lang") == "zh-hant"
        body = page.locator("main").inner_text()
        for simplified in ("中国大陆", "客服热线", "账户安全"):
            assert simplified not in body, simplified
            assert hant.convert(simplified) in body, simplified
        _fits(page)
        assert not _serious_axe(page), _serious_axe(page)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "phone-contact-official-hant.png"))
    finally:
        ctx.close()
