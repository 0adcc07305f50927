"""A merchant's user gets navigation for a merchant's pages (payments, refund requests), not the
customer's wallet tabs; the customer's tab bar is unchanged."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

TABS = re.compile(r'data-testid="(tab-[a-z]+)"')


def tabs_of(html: str) -> list[str]:
    bar = html[html.index('data-testid="tabbar"'):]
    return TABS.findall(bar[:bar.index("</nav>")])


def current_tab(html: str) -> str:
    found = re.search(r'aria-current="page" data-testid="(tab-[a-z]+)"', html)
    return found.group(1) if found else ""


@pytest.mark.parametrize(("lang", "words"), [
    ("zh-hans", ("收款", "退款", "收款记录", "退款申请")),
    ("en", ("Payments", "Refunds", "Refund requests")),
    ("zh-hant", ("收款", "退款", "收款記錄", "退款申請"))])
def test_a_merchant_has_merchant_tabs_and_menu(make_customer: Any, merchant: Any, lang: str,
                                               words: tuple[str, ...]) -> None:
    owner = make_customer(role="merchant")
    merchant.user = owner
    merchant.save(update_fields=["user"])
    client = Client(headers={"accept-language": lang})
    client.force_login(owner)
    payments = client.get("/wallet/merchant/")
    assert payments.status_code == 200
    html = payments.content.decode()
    assert tabs_of(html) == ["tab-payments", "tab-requests", "tab-help", "tab-contact"]
    assert current_tab(html) == "tab-payments"
    assert 'data-testid="nav-payments"' in html and 'href="/wallet/history/"' not in html
    for word in words:
        assert word in html, word
    requests = client.get("/refunds/merchant/").content.decode()
    assert current_tab(requests) == "tab-requests"
    # The wallet's address takes a merchant to its payments, under the same tabs.
    assert client.get("/wallet/").headers["Location"] == "/wallet/merchant/"


def test_the_customer_keeps_the_wallet_tabs(customer: Any) -> None:
    client = Client(headers={"accept-language": "en"})
    client.force_login(customer)
    html = client.get("/wallet/history/").content.decode()
    assert tabs_of(html) == ["tab-wallet", "tab-history", "tab-help", "tab-contact", "tab-me"]
    assert current_tab(html) == "tab-history"
    assert 'data-testid="nav-payments"' not in html


def test_the_payments_list_says_what_can_still_be_refunded(make_customer: Any, merchant: Any,
                                                            customer: Any, fund: Any) -> None:
    """A payment not refunded shows a dash, not "¥0.00"; the refund box names how much can
    still go back, in the page's language."""
    from walletdesk.wallet import services

    owner = make_customer(role="merchant")
    merchant.user = owner
    merchant.save(update_fields=["user"])
    fund(customer, 10_000)
    whole = services.pay(customer, merchant=merchant, amount=2_800, currency="CNY", method="balance")
    part = services.pay(customer, merchant=merchant, amount=5_000, currency="CNY", method="balance")
    services.refund(merchant, payment_id=part.public_id, amount=1_200)
    client = Client(headers={"accept-language": "zh-hans"})
    client.force_login(owner)
    html = client.get("/wallet/merchant/").content.decode()
    refunded = re.findall(r'data-testid="payment-refunded">(.*?)</td>', html)
    boxes = re.findall(r'placeholder="([^"]+)" data-testid="refund-amount"', html)
    assert refunded == ["¥12.00", '<span class="muted">—</span>']  # newest first
    assert boxes == ["最多 ¥38.00", "最多 ¥28.00"]
    assert 'aria-label="退款金额，最多 ¥28.00"' in html
    assert whole.public_id in html
