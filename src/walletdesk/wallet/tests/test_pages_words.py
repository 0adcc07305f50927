"""The fee schedule, the monthly statement and the cards page say things in words: fees as
"1%, at least ¥0.50", months as people write them, who each statement line was with."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.test import Client

from walletdesk.core import clock
from walletdesk.wallet import services
from walletdesk.wallet.models import FeePolicy

pytestmark = pytest.mark.money


def signed_in(user: Any, language: str) -> Client:
    client = Client(headers={"accept-language": language})
    client.force_login(user)
    return client


@pytest.fixture
def schedule(db: Any) -> None:
    start = clock.now() - timedelta(days=1)
    FeePolicy.objects.create(operation="transfer", method="balance", currency="CNY",
                             basis_points=100, minimum=50, maximum=2_500, effective_from=start)
    FeePolicy.objects.create(operation="topup", method="bank_card", currency="CNY",
                             fixed=50, effective_from=start)
    FeePolicy.objects.create(operation="topup", method="credit_card", currency="CNY",
                             effective_from=start)


@pytest.mark.parametrize(("language", "transfer", "bank", "free"), [
    ("en", "1%, at least ¥0.50, at most ¥25.00", "¥0.50", "Free"),
    ("zh-hans", "1%，最低 ¥0.50，最高 ¥25.00", "¥0.50", "免费"),
])
def test_the_fee_schedule_states_each_fee_in_words(customer: Any, schedule: None, language: str,
                                                    transfer: str, bank: str, free: str) -> None:
    page = signed_in(customer, language).get("/wallet/fees/?currency=CNY").content.decode()
    cells = page.split('data-testid="fee-row"')[1:]
    assert len(cells) == 3
    assert any(transfer in row for row in cells)
    assert any(f'">{bank}</td>' in row for row in cells)
    assert any(f'">{free}</td>' in row for row in cells)
    # The policy's version is the desk's bookkeeping, not the customer's.
    assert ">v1<" not in page and "Version" not in page


@pytest.mark.parametrize(("language", "month"), [("en", "December 2026"), ("zh-hans", "2026年12月")])
def test_the_statement_names_the_month_and_who_each_line_was_with(
        customer: Any, make_customer: Any, fund: Any, language: str, month: str) -> None:
    with clock.frozen(datetime(2026, 12, 15, 4, tzinfo=UTC)):
        fund(customer, 10_000)
        bob = make_customer("bob@example.com", display_name="Bob Li")
        services.transfer(customer, to="bob@example.com", amount=1_250, currency="CNY")
        page = signed_in(customer, language).get("/wallet/statement/?month=2026-12").content.decode()
        bob_page = signed_in(bob, language).get("/wallet/statement/?month=2026-12").content.decode()
    assert f'<option value="2026-12" selected>{month}</option>' in page
    assert "Bob Li" in page and "•••• 0128" in page  # the recipient, and the card of the top-up
    assert "Alice" in bob_page  # money received names its sender


def test_the_statement_opens_on_the_customers_currency_with_its_sums_then_lines_by_day(
        customer: Any, fund: Any) -> None:
    customer.region = "HK"
    customer.save(update_fields=["region"])
    with clock.frozen(datetime(2026, 12, 15, 4, tzinfo=UTC)):
        fund(customer, 10_000, "HKD")
        r = signed_in(customer, "en").get("/wallet/statement/?month=2026-12")
    page = r.content.decode()
    assert r.context["st"].currency == "HKD"  # an HKD wallet is not shown an empty CNY month
    assert '<option selected>HKD</option>' in page
    for testid, amount in (("opening", "HK$0.00"), ("closing", "HK$100.00"),
                           ("money-in", "HK$100.00"), ("money-out", "HK$0.00")):
        assert f'data-testid="{testid}">{amount}</dd>' in page
    # One heading for the day, then the line: who, the change, the type and the time.
    assert page.count('class="st-day"') == 1
    [row] = page.split('data-testid="statement-row"')[1:]
    assert "•••• 0128" in row and "+HK$100.00" in row and "Top-up" in row


def test_the_cards_page_explains_the_default_badge(customer: Any, fund: Any) -> None:
    fund(customer, 1_000)  # links a bank card, the customer's default
    page = signed_in(customer, "en").get("/wallet/cards/").content.decode()
    assert ">Default</span>" in page and "offer first" in page


@pytest.mark.parametrize(("language", "days"), [
    ("en", "Dec 1 – Dec 31"), ("zh-hans", "12月1日至12月31日"), ("zh-hant", "12月1日至12月31日"),
])
def test_a_promotion_says_its_days_in_words(customer: Any, schedule: None, language: str,
                                            days: str) -> None:
    """It ends at midnight: its last day is the day before; no ISO date on the page."""
    import re
    from zoneinfo import ZoneInfo

    from walletdesk.wallet.models import Promotion

    sh = ZoneInfo("Asia/Shanghai")
    with clock.frozen(datetime(2026, 12, 7, 10, 0, tzinfo=sh)):
        Promotion.objects.create(name_zh="本月免手续费", name_en="No fees this month",
                                 operation="topup", method="credit_card",
                                 starts_at=datetime(2026, 12, 1, tzinfo=sh),
                                 ends_at=datetime(2027, 1, 1, tzinfo=sh), per_user_limit=2)
        page = signed_in(customer, language).get("/wallet/fees/").content.decode()
    assert f'data-testid="promotion-days">{days}</span>' in page
    assert not re.search(r"\d{4}-\d{2}-\d{2}", re.sub(r"<[^>]+>", " ", page))
