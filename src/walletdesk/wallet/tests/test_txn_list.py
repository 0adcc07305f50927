"""The list of transactions (wallet home's recent activity, history): one link per transaction
named by what its row shows, the status said only when it is not completed, and short times
in the customer's zone and language."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest
from django.test import Client

from walletdesk.core import clock
from walletdesk.wallet import services

pytestmark = pytest.mark.money

ROW = re.compile(r'<tr data-testid="txn-row" class="([^"]*)">(.*?)</tr>', re.S)
LINK = re.compile(r'<a [^>]*href="([^"]+)"[^>]*aria-label="([^"]*)"[^>]*>([^<]*)</a>')


def rows(html: str) -> dict[str, tuple[str, str, str]]:
    """{detail URL: (row classes, the link's accessible name, its visible text)} of the list."""
    out = {}
    for classes, cells in ROW.findall(html):
        links = LINK.findall(cells)
        assert len(links) == 1 and cells.count("<a ") == 1, cells  # one link per transaction
        href, name, text = links[0]
        out[href] = (classes, name, text)
    return out


@pytest.fixture
def shopper(customer: Any, fund: Any) -> Client:
    fund(customer, 100_000)
    client = Client(headers={"accept-language": "en"})
    client.force_login(customer)
    return client


def test_each_row_is_one_link_and_says_a_status_only_when_not_completed(
        shopper: Client, customer: Any, merchant: Any) -> None:
    done = services.pay(customer, merchant=merchant, amount=2_800, currency="CNY", method="balance")
    waiting = services.pay(customer, merchant=merchant, amount=3_650, currency="CNY",
                           method="bank_card")
    failed = services.top_up(customer, amount=30_000, currency="CNY", method="bank_card")
    services.on_network_result(failed.public_id, "failed", "do_not_honor")
    failed.refresh_from_db()
    assert (done.status, waiting.status, failed.status) == ("completed", "pending", "failed")

    for page in ("/wallet/", "/wallet/history/"):
        listed = rows(shopper.get(page).content.decode())
        classes, name, text = listed[f"/wallet/t/{done.public_id}/"]
        # An English reader sees the merchant's English name (示例咖啡 has "Sample Coffee").
        assert "txn-done" in classes.split() and text == "Sample Coffee"
        assert name.startswith("Sample Coffee, Payment, −¥28.00, Today ")
        assert "Completed" not in name
        classes, name, _ = listed[f"/wallet/t/{waiting.public_id}/"]
        assert "txn-open" in classes.split() and "Pending" in name
        classes, name, text = listed[f"/wallet/t/{failed.public_id}/"]
        assert "txn-open" in classes.split() and text.startswith("UnionPay")
        assert "¥300.00, No fee charged, Failed" in name and "−" not in name
    history = shopper.get("/wallet/history/").content.decode()
    assert '<span class="amount void">¥300.00</span>' in history


def test_a_fee_is_named_with_the_amount(shopper: Client, customer: Any, make_customer: Any) -> None:
    from walletdesk.wallet.models import FeePolicy

    FeePolicy.objects.create(operation="transfer", method="balance", currency="CNY",
                             basis_points=100, effective_from=datetime(2020, 1, 1, tzinfo=UTC))
    make_customer("bob@example.com", display_name="Bob Li")
    sent = services.transfer(customer, to="bob@example.com", amount=10_000, currency="CNY")
    html = shopper.get("/wallet/history/").content.decode()
    _, name, text = rows(html)[f"/wallet/t/{sent.public_id}/"]
    assert text == "Bob Li" and "Bob Li, Transfer, −¥100.00, Fee ¥1.00, Today " in name


@pytest.mark.parametrize(("now", "lang", "said"), [
    # The payment was made at 14:07 UTC on 5 March 2026: 09:07 in New York.
    (datetime(2026, 3, 5, 20, 0, tzinfo=UTC), "en", "Today 09:07"),
    # 22:00 on 5 March in New York is already 6 March in UTC: still today for the customer.
    (datetime(2026, 3, 6, 3, 0, tzinfo=UTC), "zh-hans", "今天 09:07"),
    (datetime(2026, 3, 6, 15, 0, tzinfo=UTC), "en", "Yesterday 09:07"),
    (datetime(2026, 3, 6, 15, 0, tzinfo=UTC), "zh-hant", "昨天 09:07"),
    (datetime(2026, 7, 1, 12, 0, tzinfo=UTC), "en", "Mar 5 09:07"),
    (datetime(2026, 7, 1, 12, 0, tzinfo=UTC), "zh-hans", "3月5日 09:07"),
    (datetime(2027, 1, 10, 12, 0, tzinfo=UTC), "en", "Mar 5, 2026 09:07"),
    (datetime(2027, 1, 10, 12, 0, tzinfo=UTC), "zh-hans", "2026年3月5日 09:07"),
])
def test_short_times_in_the_customers_zone_and_language(
        customer: Any, fund: Any, merchant: Any, now: datetime, lang: str, said: str) -> None:
    customer.time_zone = "America/New_York"
    customer.save(update_fields=["time_zone"])
    with clock.frozen(datetime(2026, 3, 5, 14, 7, tzinfo=UTC)):
        fund(customer, 10_000)
        txn = services.pay(customer, merchant=merchant, amount=600, currency="CNY", method="balance")
    client = Client(headers={"accept-language": lang})
    client.force_login(customer)
    with clock.frozen(now):
        html = client.get("/wallet/history/").content.decode()
    row = next(cells for _, cells in ROW.findall(html) if txn.public_id in cells)
    assert f'<span class="nowrap">{said}</span>' in row


def test_merchants_are_named_in_the_readers_language(customer: Any, fund: Any, merchant: Any) -> None:
    """Chinese readers see the merchant's own name, English readers its English name; a
    merchant without one keeps its own name everywhere."""
    from walletdesk.wallet.models import Merchant

    fund(customer, 100_000)
    plain = Merchant.objects.create(name="街角面包", slug="corner-bakery")
    paid = services.pay(customer, merchant=merchant, amount=1_000, currency="CNY", method="balance")
    services.pay(customer, merchant=plain, amount=500, currency="CNY", method="balance")
    readers = (("en", "Sample Coffee", "示例咖啡"), ("zh-hans", "示例咖啡", "Sample Coffee"))
    for lang, shown, hidden in readers:
        client = Client(headers={"accept-language": lang})
        client.force_login(customer)
        for page in ("/wallet/", "/wallet/history/", f"/wallet/t/{paid.public_id}/"):
            html = client.get(page).content.decode()
            assert shown in html and hidden not in html, (lang, page)
            if page != f"/wallet/t/{paid.public_id}/":
                assert "街角面包" in html
