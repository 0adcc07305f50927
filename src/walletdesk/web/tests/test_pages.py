"""Every page renders for the people who may see it, in both languages."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from walletdesk.wallet import services

WALLET_PAGES = ["/wallet/", "/wallet/top-up/", "/wallet/transfer/", "/wallet/pay/",
                "/wallet/withdraw/", "/wallet/cards/", "/wallet/history/",
                "/wallet/history/?status=completed&type=payment&currency=CNY&min=1&max=99",
                "/wallet/statement/", "/wallet/statement/?month=2026-01&currency=HKD",
                "/wallet/fees/"]


@pytest.fixture
def busy_customer(customer: Any, merchant: Any, fund: Any) -> Any:
    fund(customer, 50_000)
    payment = services.pay(customer, merchant=merchant, amount=1_000, currency="CNY",
                           method="balance")
    services.refund(merchant, payment_id=payment.public_id, amount=400)
    return customer


@pytest.mark.parametrize("lang,marker", [("zh-hans", "我的钱包"), ("en", "My wallet")])
def test_wallet_pages_render_in_both_languages(busy_customer: Any, lang: str, marker: str) -> None:
    client = Client(headers={"accept-language": lang})
    client.force_login(busy_customer)
    assert marker in client.get("/wallet/").content.decode()
    for path in WALLET_PAGES:
        response = client.get(path)
        assert response.status_code == 200, path
    txn = busy_customer.transactions.first()
    assert client.get(f"/wallet/t/{txn.public_id}/").status_code == 200
    assert client.get("/wallet/t/tx_doesnotexist/").status_code == 404
    csv = client.get("/wallet/history.csv")
    assert csv.status_code == 200
    head = csv.getvalue().decode("utf-8-sig").splitlines()[0]
    assert head.startswith("时间（北京时间）,交易编号,类型" if lang == "zh-hans"
                           else "Time (China time),Reference,Type")


def test_pages_need_login(db: Any) -> None:
    client = Client()
    for path in WALLET_PAGES[:-1]:
        response = client.get(path)
        assert response.status_code == 302 and "/login/" in response["Location"], path
    assert client.get("/wallet/fees/").status_code == 200
    assert client.get("/").status_code == 200
    assert client.get("/login/").status_code == 200


def test_merchant_sees_their_page_not_the_wallet(merchant: Any, make_customer: Any) -> None:
    from walletdesk.accounts.models import User

    staff = make_customer("owner@shop.example", role=User.Role.MERCHANT)
    merchant.user = staff
    merchant.save()
    client = Client()
    client.force_login(staff)
    assert client.get("/wallet/").status_code == 302
    page = client.get("/wallet/merchant/")
    assert page.status_code == 200
    assert "示例咖啡" in page.content.decode()


def test_times_are_shown_in_the_users_time_zone(busy_customer: Any) -> None:
    txn = busy_customer.transactions.order_by("created_at").first()
    client = Client()
    client.force_login(busy_customer)
    html = client.get(f"/wallet/t/{txn.public_id}/").content.decode()
    from zoneinfo import ZoneInfo

    local = txn.created_at.astimezone(ZoneInfo("Asia/Shanghai"))
    # the transaction's exact time, as Chinese readers write it: 2026年12月7日 09:52:10
    assert f"{local.year}年{local.month}月{local.day}日 {local:%H:%M:%S}" in html


def test_merchant_payments_show_words_and_times_not_codes(merchant: Any, make_customer: Any,
                                                          fund: Any) -> None:
    """A payment on the merchant's page is its time, customer and amount; the internal id
    (tx_…) is only in the refund form's hidden field, never shown."""
    import re
    from zoneinfo import ZoneInfo

    from walletdesk.accounts.models import User
    from walletdesk.wallet import services

    buyer = make_customer("buyer@example.cn", display_name="王芳")
    fund(buyer, 10_000)
    paid = services.pay(buyer, merchant=merchant, amount=2_800, currency="CNY", method="balance")
    staff = make_customer("owner@shop.example", role=User.Role.MERCHANT)
    merchant.user = staff
    merchant.save()
    client = Client(headers={"accept-language": "en"})
    client.force_login(staff)
    html = client.get("/wallet/merchant/").content.decode()
    local = paid.created_at.astimezone(ZoneInfo("Asia/Shanghai"))
    assert f">{local:%H:%M}</time>" in html and "王芳" in html and "¥28.00" in html  # paid today
    shown = re.sub(r"<[^>]+>", " ", html)  # the words a person sees, not the attributes
    assert not re.search(r"\d{4}-\d{2}-\d{2}", shown)  # no ISO date: the time in words
    assert paid.public_id in html and paid.public_id not in shown
    assert not re.search(r"\btx_[0-9a-f]", shown)
