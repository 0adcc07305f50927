"""The official contacts page (/contact/official/), read by someone asking "is this number
really yours?": the check first, every official channel on the page in full, each website and
account once, the hours folded per region, and no waits (the hub says those)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from walletdesk.core import clock
from walletdesk.directory.models import Channel, WaitForecast

pytestmark = pytest.mark.usefixtures("demo_directory")
MORNING = datetime(2026, 12, 7, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))  # a Monday


def _page(client: Any, language: str = "en") -> str:
    with clock.frozen(MORNING):
        return client.get("/contact/official/", HTTP_ACCEPT_LANGUAGE=language).content.decode()


def test_every_official_channel_is_on_the_page(client: Any) -> None:
    html = _page(client)
    for ch in Channel.objects.filter(is_active=True):
        assert f'data-value="{ch.normalized}"' in html, ch
    # The check comes first and leads to the verification page.
    form = html[html.rindex("<form", 0, html.index('data-testid="check-form"')):]
    assert html.index('data-testid="check-form"') < html.index('data-testid="region-CN"')
    form = form[:form.index("</form>")]
    assert 'action="/contact/verify/"' in form and 'name="value"' in form


@pytest.mark.parametrize(("language", "everywhere", "china"), [
    ("en", "All regions", "Mainland China"), ("zh-hans", "所有地区", "中国大陆")])
def test_each_website_and_account_is_listed_once_with_its_regions(
        client: Any, language: str, everywhere: str, china: str) -> None:
    html = _page(client, language)
    accounts = html[html.index('data-testid="accounts"'):]
    assert html.count('data-value="walletdesk.example"') == 1  # was once per region
    site = accounts[accounts.index('data-value="walletdesk.example"'):]
    assert everywhere in site[:site.index("</li>")]
    weibo_value = Channel.objects.get(platform="weibo").normalized
    weibo = accounts[accounts.index(f'data-value="{weibo_value}"'):]
    assert china in weibo[:weibo.index("</li>")]
    # Region sections hold only the ways to reach a person.
    regions = html[:html.index('data-testid="accounts"')]
    assert 'data-testid="channel-website"' not in regions
    assert 'data-testid="channel-social"' not in regions


def test_hours_are_folded_per_region_and_no_wait_is_shown(client: Any) -> None:
    WaitForecast.objects.create(kind="phone", region="CN", language="", time_zone="Asia/Shanghai",
                                waits=[660] * 168, counts=[9] * 168, samples=1512)
    html = _page(client)
    assert html.count('data-testid="region-hours"') == 4
    assert re.findall(r'<details class="dhours dregion-hours"', html)
    assert "Hours</summary>" not in html  # no fold per channel
    assert 'data-testid="wait"' not in html and "usually" not in html
    # An open line says until when in its state; a closed one when it opens.
    hotline = html[html.index('data-value="+864008201024"'):]
    assert "Open until 22:00" in hotline[:hotline.index("</li>")]
    night = html[html.index('data-value="+85230082048"'):]
    assert "Opens at 22:00" in night[:night.index("</li>")]


@pytest.mark.parametrize(("language", "words"), [
    ("en", ["Open until 23:30", "Service hours and holidays", "A signed copy of this list"]),
    ("zh-hans", ["服务至 23:30", "服务时间和节假日", "本列表的签名文件"]),
])
def test_the_page_reads_in_each_language(client: Any, language: str, words: list[str]) -> None:
    html = _page(client, language)
    for w in words:
        assert w in html, w
