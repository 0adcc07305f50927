"""The wait forecast on the contact hub, in a real browser at 390 px, in both languages."""

from __future__ import annotations

from typing import Any

import pytest

from walletdesk.conftest import SCREENSHOTS, browser_login, in_live_db

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
         "device_scale_factor": 2}

CUSTOMER = {"zh-hans": "zhang.wei@example.cn", "en": "alice@example.com"}

# Two weeks of chat and email history for Mainland China, five or six contacts in every
# hour that chat is open (07:00–23:00 Shanghai), with the lunch and evening peaks slower.
HISTORY = """
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo
from walletdesk.core import clock
from walletdesk.directory import services
from walletdesk.support.models import Conversation
tz = ZoneInfo("Asia/Shanghai")
today = clock.now().astimezone(tz).date()
rows = []
for days in range(1, 15):
    day = today - timedelta(days=days)
    for hour in range(7, 23):
        busy = 4 if hour in (11, 12, 19, 20) else 1
        for k in range(6):
            start = datetime.combine(day, time(hour, k * 9), tzinfo=tz)
            ref = f"FCB{days:02d}{hour:02d}{k}"
            rows.append(Conversation(reference=ref + "C", channel="chat", region="CN",
                                     status="closed", created_at=start, queued_at=start,
                                     assigned_at=start + timedelta(seconds=30 * busy + 10 * k)))
            rows.append(Conversation(reference=ref + "E", channel="email", region="CN",
                                     status="closed", created_at=start,
                                     first_response_at=start + timedelta(minutes=20 * busy + k)))
Conversation.objects.bulk_create(rows)
services.refresh_forecast()
"""


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_hub_forecast_at_390px(live_server_url: str, browser: Any, tmp_path_factory: Any,
                               lang: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    if lang == "zh-hans":
        in_live_db(tmp_path_factory, HISTORY)
    ctx = browser.new_context(locale="zh-CN" if lang == "zh-hans" else "en-US", **PHONE)
    try:
        page = ctx.new_page()
        browser_login(page, live_server_url, CUSTOMER[lang])
        page.goto(f"{live_server_url}/contact/?region=CN&tz=Asia/Shanghai")
        panel = page.get_by_test_id("wait-forecast")
        assert panel.is_visible()
        # Folded below the channels: the charts show once the person asks for them.
        assert not page.get_by_test_id("forecast-chat").is_visible()
        panel.locator("summary").click()
        assert page.get_by_test_id("forecast-chat").is_visible()
        assert page.get_by_test_id("forecast-email").is_visible()
        bars = page.locator("[data-testid=forecast-chat] rect.dfc-bar")
        assert bars.count() == 24
        text = panel.inner_text()
        if lang == "en":
            assert "Expected waits today" in text
        else:
            assert "今天的预计等待时间" in text
        width = page.evaluate("() => [document.documentElement.scrollWidth, innerWidth]")
        assert width[0] <= width[1], f"{width[0]} px wide on a {width[1]} px screen"
        found = Axe().run(page, options={"resultTypes": ["violations"]}).response["violations"]
        bad = [v["id"] for v in found if v["impact"] in {"serious", "critical"}]
        assert not bad, bad
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        short = "zh" if lang == "zh-hans" else "en"
        panel.screenshot(path=str(SCREENSHOTS / f"phone-wait-forecast-{short}.png"))
    finally:
        ctx.close()
