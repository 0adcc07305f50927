"""What a customer reads around a payment, checked after a review in a real browser: the
receipt repeats the total the review sheet showed, "No fee" is said the same way on both, a
refused amount says what the limit is right under the field, a card's kind never breaks
inside its words, history filters can be cleared in one tap, and a pending payment's time
limit is said in plain words."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client

from walletdesk.core import clock
from walletdesk.wallet import services
from walletdesk.wallet.models import FeePolicy
from walletdesk.wallet.services import cards

from .helpers import CARDS

pytestmark = pytest.mark.money


@pytest.fixture
def transfer_fee(db: Any) -> None:
    FeePolicy.objects.create(operation="transfer", method="balance", currency="CNY",
                             basis_points=100, effective_from=clock.now() - timedelta(days=1))


def signed_in(user: Any, lang: str = "en") -> Client:
    client = Client(headers={"accept-language": lang})
    client.force_login(user)
    return client


def transfer(client: Client, amount: str) -> Any:
    data = {"step": "review", "idem": uuid.uuid4().hex, "currency": "CNY",
            "to": "bob@example.com", "amount": amount}
    sheet = client.post("/wallet/transfer/", data)
    assert sheet.status_code == 200, sheet.content
    form = sheet.context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data.update(step="confirm", reviewed=sheet.context["sheet"].token)
    done = client.post("/wallet/transfer/", data)
    assert done.status_code == 302
    return sheet, client.get(done["Location"])


def test_the_receipt_repeats_the_total_the_review_sheet_showed(
        customer: Any, fund: Any, make_customer: Any, transfer_fee: None) -> None:
    bob_user = make_customer("bob@example.com", display_name="Bob Li")
    fund(customer, 100_000)
    sheet, receipt = transfer(signed_in(customer), "100.00")
    assert sheet.context["sheet"].total == 10_100
    page = receipt.content.decode()
    total = re.search(r'<dt class="total">([^<]*)</dt><dd class="num total" '
                      r'data-testid="txn-total">([^<]*)</dd>', page)
    assert total and total.groups() == ("Taken from your balance", "¥101.00")
    # Bob received it: the total is the sender's, not his.
    txn_id = receipt.context["t"].public_id
    bob = signed_in(bob_user)
    assert 'data-testid="txn-total"' not in bob.get(f"/wallet/t/{txn_id}/").content.decode()


def test_a_free_transfer_says_no_fee_on_the_receipt_as_on_the_sheet(
        customer: Any, fund: Any, make_customer: Any) -> None:
    make_customer("bob@example.com", display_name="Bob Li")
    fund(customer, 100_000)
    sheet, receipt = transfer(signed_in(customer, "zh-hans"), "12.30")
    fee_on_sheet = re.search(r'<span id="review-fee">([^<]*)</span>', sheet.content.decode())
    fee_on_receipt = re.search(r'data-testid="txn-fee">([^<]*)</dd>', receipt.content.decode())
    assert fee_on_sheet and fee_on_receipt
    assert fee_on_sheet.group(1) == fee_on_receipt.group(1) == "免手续费"
    assert 'data-testid="txn-total"' not in receipt.content.decode()  # nothing to add up


@pytest.mark.parametrize(("lang", "words"), [("en", "The most one operation can move is "
                                                    "¥10,000,000.00."),
                                             ("zh-hans", "单笔金额上限为 ¥10,000,000.00。")])
def test_an_amount_above_the_limit_names_the_limit_under_the_field(
        customer: Any, fund: Any, make_customer: Any, lang: str, words: str) -> None:
    make_customer("bob@example.com")
    fund(customer, 100_000)
    r = signed_in(customer, lang).post("/wallet/transfer/", {
        "step": "review", "idem": uuid.uuid4().hex, "currency": "CNY",
        "to": "bob@example.com", "amount": "99999999"})
    page = r.content.decode()
    assert r.context["form"].errors["amount"] == [words]
    # The error comes straight after the amount, before "Available …".
    assert page.index('data-testid="amount-error"') < page.index('data-testid="amount-help"')


def test_card_choices_keep_the_kind_whole_and_the_fee_under_the_name(customer: Any) -> None:
    cards.link_card(customer, kind="bank_card", number=CARDS["quick"])
    cards.link_card(customer, kind="credit_card", number="4111111111111111")
    r = signed_in(customer).post("/wallet/top-up/", {
        "step": "review", "idem": uuid.uuid4().hex, "currency": "CNY", "amount": "10.00",
        "source": customer.payment_methods.get(kind="credit_card").public_id})
    page = r.content.decode()
    names = re.findall(r'<span class="choice-name">([^<]*)</span>', page)
    assert "Visa\u00a0••••\u00a01111\u00a0· Credit\u00a0card" in names
    assert page.count('data-testid="choice-fee"') == len(names) >= 2


def test_history_filters_clear_in_one_tap_and_dates_say_start_and_end(customer: Any) -> None:
    client = signed_in(customer, "zh-hans")
    plain = client.get("/wallet/history/").content.decode()
    assert 'data-testid="filter-clear"' not in plain
    assert "开始日期" in plain and "结束日期" in plain
    filtered = client.get("/wallet/history/?status=failed").content.decode()
    assert re.search(r'<a class="tap clear" href="/wallet/history/" '
                     r'data-testid="filter-clear">清除筛选</a>', filtered)


def test_a_pending_payment_says_when_it_is_cancelled_in_plain_words(customer: Any) -> None:
    cards.link_card(customer, kind="bank_card", number=CARDS["quick"])
    txn = services.top_up(customer, amount=2_000, currency="CNY", method="bank_card")
    page = signed_in(customer).get(f"/wallet/t/{txn.public_id}/").content.decode()
    assert "Cancelled if not confirmed by" in page and "Gives up" not in page
    zh = signed_in(customer, "zh-hans").get(f"/wallet/t/{txn.public_id}/").content.decode()
    assert "未确认则自动取消于" in zh


def test_linking_a_card_on_the_cards_page_stays_there(customer: Any) -> None:
    r = signed_in(customer).post("/wallet/cards/", {"kind": "credit_card",
                                                     "card_number": "4111111111111111"})
    assert r.status_code == 302 and r["Location"] == "/wallet/cards/"
