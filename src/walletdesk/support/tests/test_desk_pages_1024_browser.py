"""The staff pages at the narrowest desk width (1024 px), in both languages: nothing cut off or
pushed out of its card (the console's service-level badge and reference, the reports' tables,
the payments held for review), and no code shown as a word."""

from __future__ import annotations

from typing import Any

import pytest

from .test_browser import login, open_chat
from .test_workspace_browser import serious_axe

pytestmark = pytest.mark.browser

OVERFLOWING = """sel => [...document.querySelectorAll(sel)].filter(
  el => el.scrollWidth > el.clientWidth + 1).map(el => el.textContent.trim().slice(0, 60))"""


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_console_list_at_1024_shows_the_whole_badge_and_reference(
        live_server_url: str, page_for: Any, lang: str) -> None:
    url = live_server_url
    customer = page_for(lang)
    login(customer, url, "li.na@example.cn" if lang == "zh-hans" else "alice@example.com")
    reference, _ = open_chat(customer, url, "payments", "扫码付款扣了两次钱" if lang == "zh-hans"
                             else "I was charged twice for one payment")
    agent = page_for(lang)
    agent.set_viewport_size({"width": 1024, "height": 768})
    login(agent, url, "liu.yang@walletdesk.example")
    item = agent.get_by_test_id("queue").get_by_test_id(f"conv-{reference}")
    item.locator(".sla-badge").wait_for()
    assert not agent.evaluate(OVERFLOWING, ".clist .sla-badge")
    # The reference on one line (it is read out to the customer).
    lines = agent.evaluate("""ref => { const r = document.createRange();
        r.selectNodeContents(document.querySelector('[data-testid=conv-' + ref + '] .ref'));
        return new Set([...r.getClientRects()].map(x => Math.round(x.top))).size; }""", reference)
    assert lines == 1, lines
    assert not serious_axe(agent), serious_axe(agent)


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
@pytest.mark.parametrize("path", ["/support/reports/", "/security/reviews/"])
def test_reports_and_reviews_fit_1024(live_server_url: str, page_for: Any, lang: str,
                                      path: str) -> None:
    page = page_for(lang)
    page.set_viewport_size({"width": 1024, "height": 800})
    login(page, live_server_url, "chen.jing@walletdesk.example")
    page.goto(live_server_url + path)
    page.locator("main").wait_for()
    size = page.evaluate("() => [document.documentElement.scrollWidth, innerWidth]")
    assert size[0] <= size[1], size
    assert not page.evaluate(OVERFLOWING, ".card"), path
    assert not serious_axe(page), serious_axe(page)
    if path == "/security/reviews/" and lang == "en":
        rows = page.get_by_test_id("review-row")
        if rows.count():
            assert "transfer" not in rows.first.inner_text().split()
