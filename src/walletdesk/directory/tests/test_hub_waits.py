"""The waits on the contact hub say what they are: the live estimate as "now", the hour's
forecast as "usually", each figure only on the channel it was measured on, and no fixed
sentence claims that one channel is quicker than another."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from walletdesk.core import clock
from walletdesk.directory import waits
from walletdesk.directory.models import Channel, WaitForecast

pytestmark = pytest.mark.usefixtures("demo_directory")
MORNING = datetime(2026, 12, 7, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))  # a Monday
HOTLINE, SECURITY, MERCHANT = "+864008201024", "+862160101024", "+862160102048"


def _forecast(kind: str, seconds: int) -> None:
    WaitForecast.objects.create(kind=kind, region="CN", language="", time_zone="Asia/Shanghai",
                                waits=[seconds] * 168, counts=[9] * 168, samples=1512)


@pytest.fixture
def chat_queue_now() -> Iterator[None]:
    """Live support says a newcomer on chat waits 61 minutes at this moment."""
    def estimate(channel: Any) -> int | None:
        return 61 * 60 if channel.kind == "chat" else None

    waits.register(estimate)
    yield
    waits.unregister(estimate)


def _hub(client: Any, customer: Any, language: str) -> str:
    customer.region, customer.time_zone = "CN", "Asia/Shanghai"
    customer.save()
    client.force_login(customer)
    with clock.frozen(MORNING):
        return client.get("/contact/", HTTP_ACCEPT_LANGUAGE=language).content.decode()


def _row(html: str, value: str) -> str:
    start = html.index(f'data-value="{value}"')
    return html[start:html.index("</li>", start)]


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.mark.parametrize(("language", "under_button", "row", "usually"), [
    # (the sentence as read, its spaces made plain; the row as written: a no-break space)
    ("en", "Online chat is open; the wait now is about 60 minutes.", "Wait now: about\u00a060\u00a0minutes",
     "usually answers in about 60"),
    ("zh-hans", "在线客服服务中，现在需等待约 60 分钟。", "现在需等待约\u00a060\u00a0分钟",
     "通常约\u00a060\u00a0分钟"),
])
@pytest.mark.usefixtures("chat_queue_now")
def test_a_live_estimate_is_said_as_now_under_the_button_and_in_the_row(
        client: Any, customer: Any, language: str, under_button: str, row: str,
        usually: str) -> None:
    _forecast("chat", 240)
    html = _hub(client, customer, language)
    words = html[html.index('data-testid="chat-words"'):]
    assert _text(words[:words.index("</p>")]).endswith(under_button)
    assert row in _row(html, Channel.objects.get(region__code="CN", kind="chat").normalized)
    assert usually not in html  # the live figure is never called the usual one


@pytest.mark.parametrize(("language", "under_button", "hint"), [
    ("en", "Online chat is open; a person usually answers in about\u00a04\u00a0minutes.",
     "At this hour: online chat usually answers in about\u00a04\u00a0minutes."),
    ("zh-hans", "在线客服服务中，通常约\u00a04\u00a0分钟内有人回复。",
     "这个时段：在线客服通常等待约\u00a04\u00a0分钟。"),
])
def test_without_a_live_estimate_the_forecast_is_said_as_usually(
        client: Any, customer: Any, language: str, under_button: str, hint: str) -> None:
    _forecast("chat", 240)
    html = _hub(client, customer, language)
    assert under_button in html and hint in html
    assert "Wait now" not in html and "现在需等待" not in html


@pytest.mark.parametrize(("language", "words"), [
    ("en", "Callbacks usually come about\u00a011\u00a0minutes late"),
    ("zh-hans", "预约回拨通常晚约\u00a011\u00a0分钟"),
])
def test_only_the_line_the_phone_forecast_belongs_to_shows_it(
        client: Any, customer: Any, anon_api: Any, language: str, words: str) -> None:
    """The region's phone forecast is learnt from the callbacks of its first line (the hotline);
    the security and merchant lines, open too, have no figure of their own and say none."""
    _forecast("phone", 660)
    html = _hub(client, customer, language)
    assert words in _row(html, HOTLINE)
    for other in (SECURITY, MERCHANT):
        assert 'data-testid="state-' in _row(html, other)  # open, listed
        assert 'data-testid="wait"' not in _row(html, other)
    with clock.frozen(MORNING):
        rows = anon_api.get("/api/v1/contact/channels", region="CN").json()
    expected = {r["normalized"]: r["expected_wait_seconds"] for r in rows if r["kind"] == "phone"}
    assert expected == {HOTLINE: 660, SECURITY: None, MERCHANT: None}


@pytest.mark.usefixtures("chat_queue_now")
def test_no_fixed_sentence_says_chat_is_quicker_than_the_phone(client: Any,
                                                                customer: Any) -> None:
    """The hub once said "At peak times chat is usually faster than the phone" beside a chat
    wait of 61 minutes and a phone figure of 11: a channel's note is fixed text, the waits are
    not, so the demo's notes make no such claim."""
    _forecast("phone", 660)
    en, zh = _hub(client, customer, "en"), _hub(client, customer, "zh-hans")
    assert "faster than the phone" not in en and "quicker than" not in en
    assert "比电话更快" not in zh
    assert not Channel.objects.filter(notes_en__icontains="faster").exists()


@pytest.mark.parametrize(("seconds", "en", "zh"), [
    (30, "under a minute", "不到 1 分钟"),
    (19 * 60, "about 19 minutes", "约 19 分钟"),
    (21 * 60, "about 20 minutes", "约 20 分钟"),
    (54 * 60, "about 55 minutes", "约 55 分钟"),
    (61 * 60, "about 60 minutes", "约 60 分钟"),
    (3 * 3600, "about 3 hours", "约 3 小时"),
])
def test_a_long_wait_is_said_to_the_nearest_five_minutes(seconds: int, en: str, zh: str) -> None:
    """Past 20 minutes an estimate is not good to the minute, and is not said as if it were."""
    from django.utils import translation

    from walletdesk.directory.forecast import wait_words

    for language, words in (("en", en), ("zh-hans", zh)):
        with translation.override(language):
            assert wait_words(seconds).replace("\u00a0", " ") == words
