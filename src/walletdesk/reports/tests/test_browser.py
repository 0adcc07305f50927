"""The report page in a real browser, in both languages, with the demo history; screenshots
for docs/screenshots/ (reports-zh.png, reports-en.png)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from walletdesk.conftest import SCREENSHOTS
from walletdesk.conftest import browser_login as login

pytestmark = pytest.mark.browser



@pytest.mark.parametrize("lang,title,csv_header", [("zh-hans", "客服报表", "值"),
                                                   ("en", "Desk reports", "Value")])
def test_supervisor_reads_the_report(live_server_url: str, page_for: Any, lang: str, title: str,
                                     csv_header: str) -> None:
    page = page_for(lang)
    page.set_viewport_size({"width": 1440, "height": 900})  # the staff workspace's screen
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    login(page, live_server_url, "chen.jing@walletdesk.example")
    errors.clear()
    page.goto(f"{live_server_url}/support/reports/")
    assert page.locator("h1").inner_text() == title
    total = int(page.get_by_test_id("kpi-total").inner_text())
    assert total > 10  # the demo history of the last days
    assert page.locator(".chart").count() == 6
    # The small charts' words are the page's size, not a drawing shrunk into a narrow card.
    sizes = page.locator(".chart.bars .label").evaluate_all(
        "cells => cells.map(c => parseFloat(getComputedStyle(c).fontSize))")
    assert sizes and min(sizes) >= 12, sizes
    bars = page.locator("svg.chart.columns rect.bar")
    assert bars.count() == 7 and bars.first.bounding_box() is not None
    assert page.get_by_test_id("agents-table").locator("tr").count() > 2
    assert not errors, errors  # nothing refused by the CSP (no inline style or script)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"reports-{'zh' if lang == 'zh-hans' else 'en'}.png"),
                    full_page=True)
    # Narrow to email: the figures follow the filter.
    page.get_by_test_id("filter-channel").select_option("email")
    page.get_by_test_id("filter-apply").click()
    page.wait_for_url(re.compile(r".*channel=email.*"))
    assert int(page.get_by_test_id("kpi-total").inner_text()) < total
    with page.expect_download() as info:
        page.get_by_test_id("csv-channels").click()
    content = Path(info.value.path()).read_text(encoding="utf-8")
    lines = content.splitlines()
    assert lines[0].split(",")[0] == csv_header and lines[1].startswith("email,")
