"""The demo's contact history: after ``seed_demo`` the contact hub shows the wait forecast,
the reports demo's figures are the same as without the history, and running it again adds
nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from walletdesk.accounts.models import User
from walletdesk.directory import demo_history, forecast
from walletdesk.directory.models import WaitForecast
from walletdesk.phone.models import Callback
from walletdesk.support.models import Conversation

REPORT_PARTS = ("volumes", "first_response", "resolution", "queue_wait", "satisfaction", "agents",
                "service_levels")


def _report() -> dict[str, Any]:
    supervisor = User.objects.get(email="chen.jing@walletdesk.example")
    c = Client(headers={"Accept-Language": "en"})
    c.force_login(supervisor)
    body = c.get("/api/v1/support/reports").json()
    return {k: body[k] for k in REPORT_PARTS if k in body}


def test_seed_demo_gives_the_hub_a_forecast_and_leaves_the_reports_alone(db: Any) -> None:
    call_command("seed_demo", "--quiet")
    history = Conversation.objects.filter(customer__email=demo_history.HISTORY_CUSTOMER)
    counts = (history.count(), Callback.objects.count(), WaitForecast.objects.count())
    assert counts[0] > 1000 and counts[1] > 100
    oldest = history.order_by("created_at").first()
    assert oldest is not None and oldest.context[demo_history.MARK].count(":") == 2

    for kind in ("chat", "phone", "email"):  # every channel of the main region has a forecast
        row = forecast.stored(kind, "CN")
        assert row is not None and sum(w is not None for w in row.waits) > 40, kind
    chat = forecast.stored("chat", "CN").waits
    lunch, early = chat[0 * 24 + 12], chat[0 * 24 + 8]  # Monday 12:00 and 08:00
    assert lunch is not None and early is not None and lunch > early  # busier at lunchtime

    customer = User.objects.get(email="li.na@example.cn")
    c = Client(headers={"Accept-Language": "zh-hans"})
    c.force_login(customer)
    hub = c.get("/contact/", {"region": "CN"}).content.decode()
    assert 'data-testid="wait-forecast"' in hub and 'data-testid="forecast-chat"' in hub

    report = _report()
    assert report["volumes"]["total"] > 10  # the reports demo still wrote its nine days
    call_command("seed_demo", "--quiet")  # every `make run`
    assert (history.count(), Callback.objects.count(), WaitForecast.objects.count()) == counts

    Callback.objects.filter(customer__email=demo_history.HISTORY_CUSTOMER).delete()
    history.delete()
    assert _report() == report  # the history is outside what the reports demo shows


@pytest.mark.parametrize("kind", ["chat", "phone", "email"])
def test_waits_follow_the_busy_hours(kind: str) -> None:
    import random
    from datetime import datetime
    from zoneinfo import ZoneInfo

    tz = ZoneInfo("Asia/Shanghai")
    rng = random.Random(1)
    quiet = sorted(demo_history._wait(kind, datetime(2026, 11, 3, 9, tzinfo=tz), rng) for _ in range(99))
    busy = sorted(demo_history._wait(kind, datetime(2026, 11, 3, 20, tzinfo=tz), rng) for _ in range(99))
    assert 0 < quiet[49] < busy[49]
