"""The contact hub in people's words: a closed channel never promises a wait, time zones are
named (never "Asia/Shanghai"), lists use the reader's separator, and the in-app chat is named
in the reader's language."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from walletdesk.core import clock
from walletdesk.directory.models import WaitForecast

pytestmark = pytest.mark.usefixtures("demo_directory")
SHANGHAI = ZoneInfo("Asia/Shanghai")
NIGHT = datetime(2026, 12, 7, 23, 32, tzinfo=SHANGHAI)  # a Monday; CN chat is open 07:00–23:30
MORNING = datetime(2026, 12, 7, 10, 0, tzinfo=SHANGHAI)


def _chat_forecast() -> None:
    WaitForecast.objects.create(kind="chat", region="CN", language="", time_zone="Asia/Shanghai",
                                waits=[240] * 168, counts=[9] * 168, samples=1512)


def _hub(client: Any, customer: Any, at: datetime, language: str) -> str:
    customer.region, customer.time_zone = "CN", "Asia/Shanghai"
    customer.save()
    client.force_login(customer)
    with clock.frozen(at):
        return str(client.get("/contact/", HTTP_ACCEPT_LANGUAGE=language).content.decode())


@pytest.mark.parametrize(("language", "closed", "wait"), [
    ("en", "Online chat is closed now. Next open: tomorrow 07:00.", "about\u00a04\u00a0minutes"),
    ("zh-hans", "在线客服现在已关闭，下次服务时间：明天 07:00。", "约\u00a04\u00a0分钟"),
])
def test_at_night_the_forecast_says_when_chat_opens_never_a_wait(
        client: Any, customer: Any, language: str, closed: str, wait: str) -> None:
    _chat_forecast()
    page = _hub(client, customer, NIGHT, language)
    panel = page[page.index('data-testid="wait-forecast"'):page.index("</section>",
                                                                     page.index('data-testid="wait-forecast"'))]
    assert closed in panel
    assert wait not in panel and 'data-testid="hint-now"' not in panel
    assert 'data-testid="hint-quiet"' not in panel  # nothing left of today while it is closed


def test_in_the_day_the_forecast_gives_the_current_wait(client: Any, customer: Any) -> None:
    _chat_forecast()
    page = _hub(client, customer, MORNING, "en")
    assert "At this hour: online chat usually answers in about\u00a04\u00a0minutes." in page
    assert 'data-testid="hint-closed"' not in page


@pytest.mark.parametrize(("language", "zone", "hours", "weekend", "periods"), [
    ("en", "China time (UTC+8)", "Service hours (China time)", "Saturday, Sunday",
     "09:00–12:00, 13:00–18:00"),
    ("zh-hans", "北京时间（UTC+8）", "服务时间（北京时间）", "星期六、星期日",
     "09:00–12:00、13:00–18:00"),
])
def test_zones_are_named_and_lists_use_the_readers_separator(
        client: Any, customer: Any, language: str, zone: str, hours: str, weekend: str,
        periods: str) -> None:
    page = _hub(client, customer, MORNING, language)
    assert "Asia/Shanghai" not in page and "Asia/" not in page.replace("Asia/Shanghai&", "")
    assert zone in page and hours in page
    assert weekend in page and periods in page
    assert "星期六, 星期日" not in page


def test_other_regions_zones_in_words(client: Any) -> None:
    with clock.frozen(MORNING):
        en = client.get("/contact/official/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
        zh = client.get("/contact/official/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "Hong Kong time (UTC+8)" in en and "Singapore time (UTC+8)" in en
    assert "UK time (UTC+0)" in en
    assert "香港时间（UTC+8）" in zh and "新加坡时间（UTC+8）" in zh and "英国时间（UTC+0）" in zh
    assert "Asia/Hong_Kong" not in en and "Europe/London" not in zh


def test_the_in_app_chat_is_named_in_the_readers_language(client: Any, customer: Any) -> None:
    en = _hub(client, customer, MORNING, "en")
    zh = _hub(client, customer, MORNING, "zh-hans")
    assert "App 内" not in en and "Chat with us in the app" in en
    assert 'data-testid="start-chat"' in en and 'href="/support/new/"' in en
    assert "在 App 内与在线客服聊天" in zh


def _visible(html: str) -> str:
    body = html[html.index("<main"):] if "<main" in html else html
    return re.sub(r"<[^>]+>", " ", re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S))


@pytest.mark.parametrize(("language", "christmas"), [("en", "Fri, Dec 25 Christmas Day"),
                                                     ("zh-hans", "12月25日 星期五 聖誕節")])
def test_days_and_times_read_in_words_never_an_iso_date(client: Any, customer: Any, language: str,
                                                        christmas: str) -> None:
    customer.region, customer.time_zone = "HK", "Asia/Hong_Kong"
    customer.save()
    client.force_login(customer)
    with clock.frozen(datetime(2026, 12, 20, 10, 0, tzinfo=SHANGHAI)):
        html = client.get("/contact/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    text = " ".join(_visible(html).split())
    assert not re.search(r"\b\d{4}-\d{2}-\d{2}\b", text), re.findall(r"\d{4}-\d{2}-\d{2}", text)
    assert christmas in text
    assert 'data-testid="your-zone"' not in html  # the region's own zone: nothing to say


def test_a_traveller_is_told_the_times_are_in_their_zone(client: Any, customer: Any) -> None:
    customer.region, customer.time_zone = "CN", "Europe/London"
    customer.save()
    client.force_login(customer)
    with clock.frozen(MORNING):
        html = client.get("/contact/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Times are in your time zone, UK time (UTC+0), where it is 02:00." in html
    # Hong Kong reads Mainland China's hours on the same clock: nothing to say.
    customer.time_zone = "Asia/Hong_Kong"
    customer.save()
    with clock.frozen(MORNING):
        html = client.get("/contact/?region=CN", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-testid="your-zone"' not in html and 'data-testid="region-tab-CN"' in html


def test_people_first_then_our_sites_and_the_chat_wait_under_the_button(
        client: Any, customer: Any) -> None:
    _chat_forecast()
    html = _hub(client, customer, MORNING, "en")
    kinds = re.findall(r'data-testid="channel-(\w+)"', html)
    assert kinds[0] == "chat" and kinds.index("email") > max(
        i for i, k in enumerate(kinds) if k == "phone")
    assert set(kinds[kinds.index("email") + 1:]) <= {"website", "social"}
    assert html.index("Our official websites and accounts") > html.index('data-testid="channel-email"')
    assert "Online chat is open; a person usually answers in about\u00a04\u00a0minutes." in html
    assert html.index('data-testid="chat-words"') < html.index('data-testid="channel-chat"')
    # The charts come after the channels, folded.
    assert html.index('data-testid="wait-forecast"') > html.rindex('data-testid="channel-')


def test_at_night_the_button_says_when_chat_opens(client: Any, customer: Any) -> None:
    zh = _hub(client, customer, NIGHT, "zh-hans")
    assert "在线客服现在已关闭。明天 07:00 开始服务。" in zh


@pytest.mark.parametrize(("language", "words"), [("en", "region Mainland China"),
                                                 ("zh-hans", "地区 中国大陆")])
def test_verify_names_the_region_not_its_code(client: Any, language: str, words: str) -> None:
    html = client.get("/contact/verify/", {"value": "400 820 1024"},
                      HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert words in html and "region CN" not in html and "地区 CN" not in html
