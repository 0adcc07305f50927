"""Security pages in people's words: the time zone named, an unknown client described in the
reader's language, a password changed today said as "today"."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest

from walletdesk.accounts.models import User
from walletdesk.accounts.services import devices, events
from walletdesk.core import clock

pytestmark = pytest.mark.django_db


def _other_client(user: Any) -> None:
    label = devices.short_label("curl/8.5")
    devices.remember(user, "k" * 32, "127.0.0.1", label)
    events.record("login", user, ip="127.0.0.1", device=label)


@pytest.mark.parametrize(("language", "zone", "other", "seen"), [
    ("en", "Times are in China time (UTC+8).", "Other browser or app", "just now"),
    ("zh-hans", "时间均为北京时间（UTC+8）。", "其他浏览器或应用", "刚刚"),
])
def test_security_activity_and_devices_name_the_zone_and_the_client(
        client: Any, make_customer: Any, language: str, zone: str, other: str, seen: str) -> None:
    """And say their times in words ("Last seen just now", an event at "14:30"), never as an
    ISO date; the machine value stays in <time datetime>."""
    user = make_customer(language=language, time_zone="Asia/Shanghai")
    _other_client(user)
    client.force_login(user)
    activity = client.get("/security/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert zone in activity and other in activity and "Asia/Shanghai" not in activity
    assert re.search(r'<time class="nowrap" datetime="[^"]+">\d\d:\d\d</time>', activity)
    page = client.get("/account/devices/", HTTP_ACCEPT_LANGUAGE=language)
    assert page.status_code == 200
    text = page.content.decode()
    assert zone in text and other in text and "Asia/Shanghai" not in text
    assert f'data-testid="device-last-seen">{seen}</time>' in text
    for html in (activity, text):
        assert not re.search(r"\d{4}-\d{2}-\d{2}", re.sub(r"<[^>]+>", " ", html))


@pytest.mark.parametrize(("days", "language", "words"), [
    (0, "en", "changed today"), (0, "zh-hans", "今天修改"),
    (1, "en", "changed yesterday"), (1, "zh-hans", "昨天修改"),
    (5, "en", "changed 5 days ago"), (5, "zh-hans", "5 天前修改"),
])
def test_checkup_says_today_and_yesterday(client: Any, make_customer: Any, days: int,
                                          language: str, words: str) -> None:
    user = make_customer(language=language)
    User.objects.filter(pk=user.pk).update(
        password_changed_at=clock.now() - timedelta(days=days, minutes=1))
    client.force_login(user)
    page = client.get("/account/checkup/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert words in page and "0 天前" not in page and "0 days ago" not in page
