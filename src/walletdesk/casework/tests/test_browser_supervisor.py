"""The supervisor view at desk widths: "Waiting for your approval" is there, the recent
conversations' headers and agent names stay on one line (1280 px English, 1440 px Chinese),
and the service levels' references open the console (its one link, ?c=<reference>)."""

from __future__ import annotations

from typing import Any

import pytest

from walletdesk.support.tests.test_browser import login

pytestmark = pytest.mark.browser

ONE_LINE = """(sel) => Array.from(document.querySelectorAll(sel)).filter((el) => {
  const lh = parseFloat(getComputedStyle(el).lineHeight) || parseFloat(getComputedStyle(el).fontSize) * 1.6;
  const inner = el.getBoundingClientRect().height - parseFloat(getComputedStyle(el).paddingTop)
    - parseFloat(getComputedStyle(el).paddingBottom);
  return inner > lh * 1.5;
}).map((el) => el.textContent.trim())"""


@pytest.mark.parametrize(("lang", "width"), [("en", 1280), ("zh-hans", 1440)])
def test_supervisor_tables_do_not_break_words(live_server_url: str, page_for: Any, lang: str,
                                              width: int) -> None:
    page = page_for(lang)
    page.set_viewport_size({"width": width, "height": 900})
    login(page, live_server_url, "chen.jing@walletdesk.example")
    page.goto(f"{live_server_url}/support/supervisor/")
    page.get_by_test_id("sv-approvals").wait_for()
    assert page.evaluate(ONE_LINE, '[data-testid="recent"] th') == []
    assert page.evaluate(ONE_LINE, '[data-testid="recent"] td.sv-who .nowrap') == []
    width_of = page.evaluate("() => document.querySelector('[data-testid=recent]')"
                             ".closest('.card').getBoundingClientRect().width")
    assert width_of > width * 0.8  # the whole width, not half of it
    for link in page.get_by_test_id("sla-event-link").all():
        assert "/support/console/?c=CS-" in (link.get_attribute("href") or "")
