"""Time zones in people's words, in both languages, with the offset in force."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.template import Context, Template
from django.utils import translation

from walletdesk.core import timezones

WINTER = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
SUMMER = datetime(2026, 7, 7, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(("zone", "at", "en", "zh"), [
    ("Asia/Shanghai", WINTER, "China time (UTC+8)", "北京时间（UTC+8）"),
    ("Asia/Hong_Kong", WINTER, "Hong Kong time (UTC+8)", "香港时间（UTC+8）"),
    ("Asia/Singapore", WINTER, "Singapore time (UTC+8)", "新加坡时间（UTC+8）"),
    ("Europe/London", WINTER, "UK time (UTC+0)", "英国时间（UTC+0）"),
    ("Europe/London", SUMMER, "UK time (UTC+1)", "英国时间（UTC+1）"),
    ("Asia/Kolkata", WINTER, "UTC+5:30", "UTC+5:30"),  # no name here: the offset
    ("America/St_Johns", WINTER, "UTC−3:30", "UTC−3:30"),
    ("UTC", WINTER, "UTC+0", "UTC+0"),
])
def test_zone_labels(zone: str, at: datetime, en: str, zh: str) -> None:
    with translation.override("en"):
        assert timezones.zone_label(zone, at) == en
    with translation.override("zh-hans"):
        assert timezones.zone_label(zone, at) == zh


def test_names_without_offset_and_nothing_for_nothing() -> None:
    with translation.override("zh-hans"):
        assert timezones.zone_name("Asia/Shanghai") == "北京时间"
        assert timezones.zone_name("Asia/Kolkata", WINTER) == "UTC+5:30"
    assert timezones.zone_name("") == "" and timezones.zone_label(None) == ""
    assert timezones.zone_label("Not/AZone") == ""


def test_template_filters() -> None:
    tpl = Template("{% load zone_names %}{{ z|zone_name }} / {{ z|zone_label }}")
    with translation.override("en"):
        out = tpl.render(Context({"z": "Asia/Hong_Kong"}))
    assert out == "Hong Kong time / Hong Kong time (UTC+8)"
