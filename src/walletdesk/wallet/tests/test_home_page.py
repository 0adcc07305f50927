"""The wallet home: one main balance (the region's currency unless it is empty and another is
not), the other currencies as quiet rows, the four money actions, secondary entries, and a fee
notice dated by day."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client

from walletdesk.core import clock
from walletdesk.wallet import services

pytestmark = pytest.mark.django_db


def page_of(user: Any, lang: str = "en") -> str:
    client = Client(headers={"accept-language": lang})
    client.force_login(user)
    response = client.get("/wallet/")
    assert response.status_code == 200
    return response.content.decode()


def main_currency(html: str) -> str:
    found = re.search(r'data-testid="main-balance" data-currency="([A-Z]{3})"', html)
    assert found, "no main balance on the page"
    return found.group(1)


def row_of(html: str, currency: str) -> str:
    found = re.search(rf'<li class="([^"]*)" data-testid="balance-{currency}">(.*?)</li>', html, re.S)
    assert found, f"no row for {currency}"
    return found.group(1) + "|" + found.group(2)


def test_a_new_wallet_shows_the_regions_currency_large_and_the_others_quietly(customer: Any) -> None:
    html = page_of(customer)
    assert main_currency(html) == "CNY" and "¥0.00" in html
    assert 'data-testid="balance-CNY"' not in html  # the main one is not repeated as a row
    assert row_of(html, "HKD").startswith("empty|") and row_of(html, "USD").startswith("empty|")
    for action in ("topup", "transfer", "pay", "withdraw"):
        assert f'data-testid="action-{action}"' in html
    assert 'data-testid="shortcut-cards"' in html and 'data-testid="shortcut-statement"' in html


def test_an_empty_home_currency_gives_way_to_one_that_holds_money(customer: Any, fund: Any) -> None:
    fund(customer, 250_00, "USD")
    html = page_of(customer)
    assert main_currency(html) == "USD" and "US$250.00" in html
    assert row_of(html, "CNY").startswith("empty|")


def test_a_hong_kong_customer_sees_hong_kong_dollars_first(customer: Any, fund: Any) -> None:
    customer.region = "HK"
    customer.save(update_fields=["region"])
    fund(customer, 10_00, "CNY")
    fund(customer, 5_00, "HKD")
    html = page_of(customer)
    assert main_currency(html) == "HKD"
    cny = row_of(html, "CNY")
    assert not cny.startswith("empty|") and "¥10.00" in cny


def test_the_fee_notice_gives_the_day_not_the_minute(customer: Any) -> None:
    when = clock.now().replace(hour=3, minute=11) + timedelta(days=30)
    services.schedule_fee_policy(
        "withdrawal", "bank_card", "CNY", effective_from=when, basis_points=8,
        announcement={"title_zh": "提现手续费下调", "title_en": "Cheaper withdrawals",
                      "body_zh": "费率降至 0.08%。", "body_en": "The rate goes down to 0.08%."})
    html = page_of(customer)
    notice = html.split('data-testid="announcement"')[1].split("</details>")[0]
    assert "Cheaper withdrawals" in notice and "The rate goes down to 0.08%." in notice
    assert re.search(r"From [A-Z][a-z]+\.? \d{1,2}, \d{4}", notice), notice
    assert not re.search(r"\d{2}:\d{2}", notice), notice
    zh = page_of(customer, "zh-hans").split('data-testid="announcement"')[1].split("</details>")[0]
    assert "提现手续费下调" in zh and re.search(r"自 \d{4}年\d{1,2}月\d{1,2}日 起生效", zh), zh


def test_the_fee_notice_follows_an_edited_text_and_the_readers_time_zone(
        customer: Any, make_customer: Any) -> None:
    """The notice's markup is kept per process (``{% fragment %}``) keyed by what it shows:
    an edited text shows at once, and each reader gets the day in their own zone."""
    from walletdesk.wallet import fees
    from walletdesk.wallet.models import FeeAnnouncement

    when = (clock.now() + timedelta(days=30)).replace(hour=23, minute=30, second=0)  # UTC
    policy = services.schedule_fee_policy(
        "withdrawal", "bank_card", "CNY", effective_from=when, basis_points=8,
        announcement={"title_zh": "提现手续费下调", "title_en": "Cheaper withdrawals",
                      "body_zh": "费率降至 0.08%。", "body_en": "The rate goes down to 0.08%."})
    customer.time_zone = "UTC"
    customer.save(update_fields=["time_zone"])
    east = make_customer(time_zone="Asia/Shanghai")  # already the next day there

    def day(html: str) -> int:
        notice = html.split('data-testid="announcement"')[1].split("</details>")[0]
        found = re.search(r"From [A-Z][a-z]+\.? (\d{1,2}), \d{4}", notice)
        assert found, notice
        return int(found.group(1))

    assert day(page_of(customer)) == when.day
    assert day(page_of(east)) == (when + timedelta(hours=8)).day != when.day
    assert day(page_of(customer)) == when.day  # each zone its own entry
    FeeAnnouncement.objects.filter(policy=policy).update(title_en="Cheaper withdrawals, again")
    fees.forget_cached()
    assert "Cheaper withdrawals, again" in page_of(customer)


def test_the_hide_amounts_switch_is_a_labelled_button_hidden_until_its_script_runs(customer: Any) -> None:
    html = page_of(customer, "zh-hans")
    button = re.search(r'<button[^>]*id="hide-amounts"[^>]*>.*?</button>', html, re.S)
    assert button and 'aria-pressed="false"' in button.group(0) and " hidden" in button.group(0)
    assert "隐藏金额" in button.group(0)
    assert "wallet/home.js" in html
