"""Desktop and phone layout of the customer pages, measured in Chromium: the top bar on one
line (or the compact menu) at 1024–1440 px in Chinese and English, for a customer and a
supervisor; the wallet home's columns; the entry rows' chevrons at the row's end; axe-core."""

from __future__ import annotations

from typing import Any

import pytest

from walletdesk.conftest import browser_login

pytestmark = pytest.mark.browser

BAR = """() => {
  const bar = document.getElementById('topbar'), nav = document.getElementById('mainnav');
  const links = [...nav.querySelectorAll('a')].filter(a => a.getBoundingClientRect().width > 0);
  return {height: bar.getBoundingClientRect().height, compact: bar.classList.contains('compact'),
          tops: [...new Set(links.map(a => Math.round(a.getBoundingClientRect().top)))],
          visible: links.length, all: nav.querySelectorAll('a').length,
          overflow: nav.scrollWidth > nav.clientWidth + 1,
          wide: document.documentElement.scrollWidth > innerWidth};
}"""


def _serious(page: Any) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    found = Axe().run(page, options={"resultTypes": ["violations"]}).response["violations"]
    return [f"{v['id']}: {v['nodes'][0]['target']}" for v in found
            if v["impact"] in {"serious", "critical"}]


@pytest.mark.parametrize(("lang", "who"), [("zh-hans", "zhang.wei@example.cn"),
                                           ("en", "alice@example.com"),
                                           ("en", "chen.jing@walletdesk.example")])
def test_the_top_bar_stays_on_one_line_or_turns_compact(live_server_url: str, page_for: Any,
                                                        lang: str, who: str) -> None:
    page = page_for(lang)
    staff = who.endswith("@walletdesk.example")
    browser_login(page, live_server_url, who)
    page.goto(f"{live_server_url}/help/" if staff else f"{live_server_url}/support/")
    for width in (1440, 1280, 1180, 1024):
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_timeout(100)  # the resize handler runs on the next frame
        bar = page.evaluate(BAR)
        assert not bar["wide"] and bar["height"] <= 60, (width, bar)
        if bar["compact"]:
            # The compact bar: the menu button, and every link once it is opened.
            assert width < 1280 and bar["visible"] == 0, (width, bar)
            page.get_by_test_id("menu-toggle").click()
            opened = page.evaluate(BAR)
            assert opened["visible"] == opened["all"] and not opened["overflow"], (width, opened)
            page.get_by_test_id("menu-toggle").click()
        else:
            assert bar["visible"] == bar["all"] and len(bar["tops"]) == 1, (width, bar)
            assert not bar["overflow"], (width, bar)
    # At 1280 and 1440 px every desk role and language fits without the compact menu.
    for width in (1280, 1440):
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_timeout(100)
        assert not page.evaluate(BAR)["compact"], width
    long_width = "() => document.querySelector('.langswitch .lang-long').getBoundingClientRect().width"
    assert page.evaluate(long_width) > 20  # 1440 px: 简体中文 · English · 繁體中文 in full
    page.set_viewport_size({"width": 1280, "height": 900})
    assert page.evaluate(long_width) <= 1  # 简 · EN · 繁, the full names for screen readers
    assert page.get_by_test_id(f"lang-{lang}").get_attribute("aria-pressed") == "true"
    assert page.locator('[data-testid="who"]').is_visible()
    assert not _serious(page)


ENTRIES = """() => [...document.querySelectorAll('[data-testid=shortcuts] a')].map(a => {
  const r = a.getBoundingClientRect(), list = a.closest('ul').getBoundingClientRect();
  return {left: Math.round(r.left), right: Math.round(r.right), top: Math.round(r.top),
          listLeft: Math.round(list.left), listRight: Math.round(list.right),
          chevron: getComputedStyle(a, '::after').content};
})"""


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_wallet_home_desktop_columns_and_entry_rows(live_server_url: str, page_for: Any,
                                                    lang: str) -> None:
    page = page_for(lang)
    browser_login(page, live_server_url, "zhang.wei@example.cn" if lang == "zh-hans"
                  else "alice@example.com")
    for width in (1280, 1440):
        page.set_viewport_size({"width": width, "height": 900})
        box = {name: page.locator(sel).bounding_box() for name, sel in (
            ("purse", "[data-testid=purse]"), ("activity", ".home .activity"),
            ("side", ".home .side"), ("help", "[data-testid=home-help]"))}
        # The side column is beside the balance and the activity, which share one column.
        assert abs(box["side"]["y"] - box["purse"]["y"]) < 2, box
        assert abs(box["activity"]["x"] - box["purse"]["x"]) < 2, box
        assert box["side"]["x"] > box["activity"]["x"] + box["activity"]["width"], box
        assert page.get_by_test_id("home-help").is_visible()
        assert box["help"]["y"] < box["activity"]["y"] + box["activity"]["height"], box
        # The activity table fits its card and keeps each time and type on one line.
        table = page.evaluate("""() => {const t = document.querySelector('.home .txn-table');
            const one = [...t.querySelectorAll('.t-time, .t-type')].every(c =>
              c.getClientRects().length && c.getBoundingClientRect().height < 2.2 *
              parseFloat(getComputedStyle(c).lineHeight));
            return {fits: t.scrollWidth <= t.parentElement.clientWidth + 1, one}}""")
        assert table == {"fits": True, "one": True}, (width, table)
        # Each entry is a whole row: its chevron at the row's right end, not mid-row.
        rows = page.evaluate(ENTRIES)
        assert len(rows) == 3 and len({r["top"] for r in rows}) == 3, rows
        for r in rows:
            assert (r["left"], r["right"]) == (r["listLeft"], r["listRight"]), r
            assert r["chevron"] not in ("none", "normal"), r
    assert not _serious(page)
    # A phone: three tiles in one row, no chevrons; the help card is left to the tab bar.
    page.set_viewport_size({"width": 390, "height": 844})
    rows = page.evaluate(ENTRIES)
    assert len({r["top"] for r in rows}) == 1 and {r["chevron"] for r in rows} == {"none"}, rows
    widths = {r["right"] - r["left"] for r in rows}
    assert max(widths) - min(widths) <= 1, rows
    assert not page.get_by_test_id("home-help").is_visible()
    assert not page.evaluate("document.documentElement.scrollWidth > innerWidth")
