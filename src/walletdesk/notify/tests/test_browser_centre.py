"""The notification centre in Chromium on a phone (390×844, touch) and a desktop (1366×900), in
Chinese and English: one tappable row per notice (44 px and more, the card's width) that opens
it and marks it read, the unread marked by a dot and a bold title, day headings, "Show earlier",
the push settings folded and opened from the gear; nothing wider than the screen and no serious
or critical axe-core finding. Screenshots: ``{phone,desktop}-notifications-{zh,en}.png``."""

from __future__ import annotations

import re
from typing import Any

import pytest

from walletdesk.conftest import SCREENSHOTS, browser_login, in_live_db

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
         "device_scale_factor": 2}
DESKTOP = {"viewport": {"width": 1366, "height": 900}}
CUSTOMER = {"zh-hans": "zhang.wei@example.cn", "en": "alice@example.com"}

# (kind, title, body, link, minutes ago, read) in each language; then older payment results,
# enough for a second page.
NOTICES = {
    "zh-hans": [
        ("agent_reply", "客服已回复",
         "客服 王芳（工号 8021）在会话 CS-20261207-000012 中回复了您。打开 App 查看。",
         "/support/", 12, False),
        ("payment", "充值已完成", "银行卡充值 ¥500.00 已到账。打开查看详情。", "/wallet/history/", 95, False),
        ("refund", "商家已退款", "示例咖啡已将您的付款 ¥28.00 退回到钱包，退款申请已完成。"
         "如有疑问，可在退款申请中查看商家的答复和处理记录。", "/refunds/", 60 * 26, False),
        ("fee_change", "提现费用调整", "下周一起提现收费 0.1%，最低 ¥0.10，最高 ¥25.00。", "/wallet/fees/",
         60 * 50, True),
    ],
    "en": [
        ("agent_reply", "Customer service replied",
         "Wang Fang (employee ID 8021) replied in conversation CS-20261207-000012. Open the app to read it.",
         "/support/", 12, False),
        ("payment", "Top-up completed", "Card top-up of ¥500.00 went through. Open it to see the details.",
         "/wallet/history/", 95, False),
        ("refund", "The merchant refunded your payment",
         "Sample Coffee refunded ¥28.00 of your payment to your wallet, and your refund request is "
         "closed. The merchant's answer and every step are in the refund request.",
         "/refunds/", 60 * 26, False),
        ("fee_change", "Withdrawal fees change", "From next Monday withdrawals cost 0.1%, at least "
         "¥0.10 and at most ¥25.00.", "/wallet/fees/", 60 * 50, True),
    ],
}
OLDER = {"zh-hans": ("银行卡付款已完成", "银行卡付款 ¥36.00 已完成。打开查看详情。"),
         "en": ("Card payment completed", "Card payment of ¥36.00 went through. Open it to see the details.")}

ROWS = """() => [...document.querySelectorAll('[data-testid=notification]')].map(li => {
  const row = li.querySelector('.note-row').getBoundingClientRect();
  const title = li.querySelector('.note-title'), dot = li.querySelector('.note-dot');
  return {height: row.height, width: row.width, li: li.getBoundingClientRect().width,
          button: li.querySelector('.note-row').tagName, read: li.dataset.read,
          bold: +getComputedStyle(title).fontWeight, dot: !!dot && dot.getBoundingClientRect().width > 0,
          action: li.querySelector('.note-action')?.getBoundingClientRect().height || 0,
          primary: !!li.querySelector('.note-action.primary')};
})"""


def _seed(lang: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    """The customer's notices (once: a repeated source is not added again)."""
    older = [("payment", *OLDER[lang], "/wallet/history/", 60 * 24 * (3 + i), True) for i in range(24)]
    in_live_db(tmp_path_factory, (
        "from datetime import timedelta\n"
        "from django.utils import timezone\n"
        "from walletdesk.accounts.models import User\n"
        "from walletdesk.notify.models import Notification\n"
        "from walletdesk.notify.services import inbox\n"
        f"u = User.objects.get(email={CUSTOMER[lang]!r})\n"
        "now = timezone.now()\n"
        f"for i, (kind, title, body, link, ago, read) in enumerate({NOTICES[lang] + older!r}):\n"
        "    n = inbox.add(u, kind, title, body, link=link, source=f'centre-browser-{i}')\n"
        "    if n:\n"
        "        at = now - timedelta(minutes=ago)\n"
        "        Notification.objects.filter(pk=n.pk).update(created_at=at, read_at=at if read else None)\n"))


def _problems(page: Any, name: str) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    problems = []
    width = page.evaluate("() => [document.documentElement.scrollWidth, innerWidth]")
    if width[0] > width[1]:
        problems.append(f"{name}: {width[0]} px wide on a {width[1]} px screen")
    found = Axe().run(page, options={"resultTypes": ["violations"]}).response["violations"]
    problems += [f"{name}: axe {v['id']} ({len(v['nodes'])}: {v['nodes'][0]['target']})"
                 for v in found if v["impact"] in {"serious", "critical"}]
    return problems


@pytest.mark.parametrize(("device", "lang"), [("phone", "zh-hans"), ("phone", "en"),
                                              ("desktop", "zh-hans"), ("desktop", "en")])
def test_the_centre_on_a_phone_and_a_desktop(live_server_url: str, browser: Any, device: str,
                                             lang: str,
                                             tmp_path_factory: pytest.TempPathFactory) -> None:
    _seed(lang, tmp_path_factory)
    url, short = live_server_url, "zh" if lang == "zh-hans" else "en"
    ctx = browser.new_context(locale="zh-CN" if lang == "zh-hans" else "en-US",
                              **(PHONE if device == "phone" else DESKTOP))
    try:
        page = ctx.new_page()
        page.set_default_timeout(20_000)
        browser_login(page, url, CUSTOMER[lang])
        page.goto(f"{url}/notify/")
        problems = _problems(page, "first page")

        rows = page.evaluate(ROWS)
        assert 1 <= len(rows) <= 20
        for r in rows:
            assert r["height"] >= 44 and r["width"] >= r["li"] - 1, r
            assert (r["read"] == "no") == r["dot"] == (r["bold"] >= 600), r
            assert not r["action"] or r["action"] >= 44, r
            # A notice's action ("Freeze my account") stands out while the notice is new.
            assert r["primary"] == bool(r["action"] and r["read"] == "no"), r
        assert any(r["read"] == "no" for r in rows) and any(r["read"] == "yes" for r in rows)
        days = page.get_by_test_id("day").all_inner_texts()
        assert days[0] == ("今天" if short == "zh" else "Today") and len(days) >= 3, days
        assert not re.search(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", " ".join(
            page.locator(".note-meta").all_inner_texts()))
        # The push settings are folded: closed until the gear opens them.
        assert not page.locator("#push-kinds").is_visible()
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{device}-notifications-{short}.png"))

        # One tap opens the notice and marks it read.
        reply = page.locator("[data-testid=notification][data-kind=agent_reply]").first
        pk = reply.get_attribute("id")
        reply.get_by_test_id("note-open").click()
        page.wait_for_url(re.compile(r".*/support/(c/\d+/)?$"))
        page.goto(f"{url}/notify/")
        assert page.locator(f"#{pk}").get_attribute("data-read") == "yes"

        # Older notices are a page further; the first page is a link away.
        page.get_by_test_id("earlier").click()
        page.wait_for_url(re.compile(r".*/notify/\?before=\d+$"))
        assert page.get_by_test_id("notification").count() >= 1
        assert page.get_by_test_id("newest").is_visible()
        problems += _problems(page, "earlier page")

        # The gear opens this device's push settings.
        page.get_by_test_id("push-settings-link").click()
        page.wait_for_url(re.compile(r".*/notify/\?settings=1#push$"))
        assert page.locator("#push-kinds").is_visible()
        problems += _problems(page, "push settings")
    finally:
        ctx.close()
    assert not problems, "\n".join(problems)
