"""The wallet's money pages: review before money moves, live progress, plain words
for what failed, a statement that shows a card payment once, holds on the home page."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import translation

from walletdesk.accounts.services import holds
from walletdesk.core import clock
from walletdesk.core.timewords import datetime_words
from walletdesk.wallet import services
from walletdesk.wallet.models import FeePolicy, Transaction
from walletdesk.wallet.services import cards

from .helpers import CARDS, assert_ledger_ok, available_of, snapshot

pytestmark = pytest.mark.money


@pytest.fixture
def fees_on(db: Any) -> None:
    start = clock.now() - timedelta(days=1)
    FeePolicy.objects.create(operation="transfer", method="balance", currency="CNY",
                             basis_points=100, effective_from=start)  # 1 %
    FeePolicy.objects.create(operation="topup", method="bank_card", currency="CNY",
                             fixed=50, effective_from=start)  # ¥0.50
    FeePolicy.objects.create(operation="topup", method="credit_card", currency="CNY",
                             basis_points=200, effective_from=start)  # 2 %


@pytest.fixture
def alice(customer: Any, fund: Any) -> Client:
    fund(customer, 100_000)
    client = Client(headers={"accept-language": "en"})
    client.force_login(customer)
    return client


def review(client: Client, path: str, **data: str) -> Any:
    data.setdefault("idem", uuid.uuid4().hex)
    data.setdefault("currency", "CNY")
    return client.post(path, {"step": "review", **data})


def confirm(client: Client, path: str, sheet_response: Any, **changes: str) -> Any:
    form = sheet_response.context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data.update(step="confirm", reviewed=sheet_response.context["sheet"].token, **changes)
    return client.post(path, data)


def test_review_shows_amount_fee_total_and_recipient_before_money_moves(
        alice: Client, customer: Any, make_customer: Any, fees_on: None) -> None:
    make_customer("bob@example.com", display_name="Bob Li")
    before = snapshot()
    r = review(alice, "/wallet/transfer/", to="bob@example.com", amount="100.00")
    assert r.status_code == 200
    assert r.templates[0].name == "wallet/review.html"
    page = r.content.decode()
    sheet = r.context["sheet"]
    assert (sheet.amount, sheet.fee, sheet.total) == (10_000, 100, 10_100)
    assert "¥100.00" in page and "¥1.00" in page and "¥101.00" in page
    assert "Bob Li" in page and "bob@example.com" in page
    assert snapshot() == before  # nothing booked by the review


def test_confirm_books_exactly_once(alice: Client, customer: Any, make_customer: Any,
                                    fees_on: None) -> None:
    bob = make_customer("bob@example.com", display_name="Bob Li")
    sheet = review(alice, "/wallet/transfer/", to="bob@example.com", amount="100.00")
    r = confirm(alice, "/wallet/transfer/", sheet)
    assert r.status_code == 302
    txn_id = re.search(r"/wallet/t/(tx_[0-9a-f]+)/", r["Location"]).group(1)
    assert available_of(customer) == 100_000 - 10_100
    assert available_of(bob) == 10_000
    again = confirm(alice, "/wallet/transfer/", sheet)  # a double tap, or the back button
    assert again.status_code == 302 and txn_id in again["Location"]
    assert Transaction.objects.filter(type="transfer").count() == 1
    assert available_of(customer) == 100_000 - 10_100
    assert_ledger_ok()


def test_confirming_a_total_that_was_not_shown_reviews_again(
        alice: Client, customer: Any, fees_on: None) -> None:
    cards.link_card(customer, kind="credit_card", number="4111111111111111")
    bank = customer.payment_methods.get(kind="bank_card")
    credit = customer.payment_methods.get(kind="credit_card")
    sheet = review(alice, "/wallet/top-up/", source=bank.public_id, amount="100.00")
    options = {o.value: (o.fee, o.total) for o in sheet.context["sheet"].options}
    assert options == {bank.public_id: (50, 10_050), credit.public_id: (200, 10_200)}
    before = snapshot()
    # Another card chosen without the page's script: the bank card's token does not fit.
    r = confirm(alice, "/wallet/top-up/", sheet, source=credit.public_id)
    assert r.status_code == 200 and r.context["changed"]
    assert r.context["sheet"].total == 10_200
    assert snapshot() == before
    r = confirm(alice, "/wallet/top-up/", r)
    assert r.status_code == 302
    txn = Transaction.objects.get(type="topup", amount=10_000)
    assert (txn.payment_method, txn.fee, txn.method) == (credit, 200, "credit_card")


def test_review_refuses_an_unknown_recipient_and_books_nothing(alice: Client) -> None:
    before = snapshot()
    r = review(alice, "/wallet/transfer/", to="nobody@example.com", amount="5.00")
    assert r.status_code == 200 and r.templates[0].name == "wallet/money_form.html"
    assert r.context["form"].errors["to"]  # on the recipient's field (test_money_feedback.py)
    assert snapshot() == before


def test_amount_fields_bring_up_the_decimal_keypad(alice: Client) -> None:
    for path in ("/wallet/top-up/", "/wallet/transfer/", "/wallet/pay/", "/wallet/withdraw/"):
        page = alice.get(path).content.decode()
        assert re.search(r'<input[^>]*name="amount"[^>]*inputmode="decimal"|'
                         r'<input[^>]*inputmode="decimal"[^>]*name="amount"', page), path


def test_pending_status_endpoint_follows_the_transaction(alice: Client, customer: Any,
                                                         make_customer: Any) -> None:
    cards.link_card(customer, kind="bank_card", number=CARDS["quick"])
    txn = services.top_up(customer, amount=2_000, currency="CNY", method="bank_card")
    url = f"/wallet/t/{txn.public_id}/status.json"
    state = alice.get(url).json()
    assert (state["status"], state["status_label"], state["done"]) == ("pending", "Pending", False)
    assert state["step"] in (1, 2) and len(state["steps"]) == 3
    page = alice.get(f"/wallet/t/{txn.public_id}/").content.decode()
    assert 'http-equiv="refresh"' not in page and "data-progress-url" in page
    services.on_network_result(txn.public_id, "confirmed")
    state = alice.get(url).json()
    assert (state["status"], state["step"], state["done"]) == ("completed", 3, True)
    stranger = Client()
    stranger.force_login(make_customer("eve@example.com"))
    assert stranger.get(url).status_code == 404


@pytest.mark.parametrize("reason,words", [
    ("insufficient_funds_at_issuer", "not enough money or credit on the card"),
    ("card_expired", "The card has expired."),
    ("do_not_honor", "declined it without giving a reason"),
])
def test_failed_payment_says_no_fee_and_what_to_do(alice: Client, customer: Any, reason: str,
                                                   words: str) -> None:
    txn = services.top_up(customer, amount=5_000, currency="CNY", method="bank_card")
    services.on_network_result(txn.public_id, "failed", reason)
    page = alice.get(f"/wallet/t/{txn.public_id}/").content.decode()
    assert "No fee charged" in page and "no fee was charged" in page
    assert words in page and "What to do next:" in page
    assert reason not in page
    history = alice.get("/wallet/history/").content.decode()
    assert "No fee charged" in history  # the row's accessible name says it whole
    assert 'data-testid="no-fee">No fee<' in history  # the cell short, to fit a phone's line


def test_expired_top_up_says_no_fee(alice: Client, customer: Any) -> None:
    txn = services.top_up(customer, amount=5_000, currency="CNY", method="bank_card")
    clock.advance(days=2)
    services.expire_stale()
    page = alice.get(f"/wallet/t/{txn.public_id}/").content.decode()
    assert "Incomplete" in page and "No fee was charged" in page and "Try again" in page


def test_statement_shows_a_card_payment_once(alice: Client, customer: Any,
                                             merchant: Any) -> None:
    txn = services.pay(customer, merchant=merchant, amount=3_650, currency="CNY",
                       method="bank_card")
    services.on_network_result(txn.public_id, "confirmed")
    r = alice.get("/wallet/statement/")
    rows = [row for row in r.context["rows"] if row.transaction.pk == txn.pk]
    assert len(rows) == 1 and rows[0].net == 0 and rows[0].by_card
    page = r.content.decode()
    assert page.count(f"/wallet/t/{txn.public_id}/") == 1
    st = r.context["st"]
    assert st.opening + r.context["money_in"] - r.context["money_out"] == st.closing
    assert r.context["money_out"] == 0  # the card paid; the balance never moved


def test_statement_of_an_unused_currency_is_empty_and_writes_nothing(alice: Client) -> None:
    before = snapshot()
    r = alice.get("/wallet/statement/?currency=USD")
    st = r.context["st"]
    assert (r.status_code, st.currency, st.opening, st.closing, st.lines) == (200, "USD", 0, 0, [])
    assert snapshot() == before  # reading a statement opens no ledger account


def test_active_hold_shows_on_home_in_the_users_zone(alice: Client, customer: Any) -> None:
    customer.time_zone = "America/New_York"
    customer.save(update_fields=["time_zone"])
    until = clock.now().replace(microsecond=0) + timedelta(hours=24)
    holds.place(customer, "after_reset", until=until, blocks_login=False)
    page = alice.get("/wallet/").content.decode()
    with translation.override("en"):  # the day in words ("Dec 8, 09:00"), never an ISO date
        until_words = datetime_words(until, ZoneInfo("America/New_York"))
    assert 'data-testid="hold"' in page
    assert f"paused until {until_words} (New York time)." in page  # the zone in words
    hold = page.split('data-testid="hold"', 1)[1].split("</div>", 1)[0]
    assert not re.search(r"\d{4}-\d{2}-\d{2}", re.sub(r"<[^>]+>", " ", hold)), hold
    assert "/troubleshoot/lock/" in page


def test_no_hold_no_notice(alice: Client) -> None:
    assert 'data-testid="hold"' not in alice.get("/wallet/").content.decode()


def test_payment_request_is_reviewed_then_paid_once(alice: Client, customer: Any,
                                                    merchant: Any) -> None:
    FeePolicy.objects.create(operation="payment", method="bank_card", currency="CNY",
                             fixed=30, effective_from=clock.now() - timedelta(days=1))
    req = services.create_payment_request(merchant, customer="alice@example.com", amount=2_500,
                                          currency="CNY", description="Latte")
    url = f"/wallet/requests/{req.public_id}/"
    assert "/wallet/requests/" in alice.get("/wallet/").content.decode()
    r = alice.get(url)
    options = {o.value: (o.fee, o.total) for o in r.context["options"]}
    assert options == {"balance": (0, 2_500), "bank_card": (30, 2_530)}
    assert "¥25.30" in r.content.decode()
    before = snapshot()
    # Approving with a total that was not shown (no token): the sheet again, nothing paid.
    r = alice.post(url, {"answer": "approve", "method": "bank_card"})
    assert r.status_code == 200 and r.context["changed"] and snapshot() == before
    token = r.context["chosen"].token
    r = alice.post(url, {"answer": "approve", "method": "bank_card", "reviewed": token})
    assert r.status_code == 302
    again = alice.post(url, {"answer": "approve", "method": "bank_card", "reviewed": token})
    assert again.status_code == 302 and again["Location"] == "/wallet/"
    paid = Transaction.objects.get(type="payment", merchant=merchant)
    assert (paid.amount, paid.fee, paid.method) == (2_500, 30, "bank_card")


def test_fee_schedule_shows_rates_as_percentages(alice: Client, fees_on: None) -> None:
    page = alice.get("/wallet/fees/?currency=CNY").content.decode()
    rows = page.split('data-testid="fee-row"')[1:]
    assert {"1%", "¥0.50", "2%"} <= {row.split('data-label="Fee">')[1].split("<")[0] for row in rows}


def test_a_refused_confirm_changes_nothing_and_offers_a_fresh_key(
        alice: Client, make_customer: Any) -> None:
    make_customer("bob@example.com", display_name="Bob Li")
    sheet = review(alice, "/wallet/transfer/", to="bob@example.com", amount="5000.00")
    assert sheet.context["sheet"].short_of_money  # the sheet says so and offers no confirm
    old_key = sheet.context["form"]["idem"].value()
    before = snapshot()
    r = confirm(alice, "/wallet/transfer/", sheet)  # sent anyway
    assert r.status_code == 200 and snapshot() == before
    assert "The available balance is not enough" in r.content.decode()
    assert r.context["form"]["idem"].value() != old_key


def test_someone_elses_card_cannot_be_chosen(alice: Client, customer: Any,
                                             make_customer: Any) -> None:
    from walletdesk.wallet.errors import MethodNotLinked

    eve = make_customer("eve@example.com")
    theirs = cards.link_card(eve, kind="bank_card", number=CARDS["quick"])
    before = snapshot()
    r = review(alice, "/wallet/top-up/", source=theirs.public_id, amount="10.00")
    assert r.templates[0].name == "wallet/money_form.html" and r.context["form"].errors["source"]
    with pytest.raises(MethodNotLinked):
        services.top_up(customer, amount=1_000, currency="CNY", method="bank_card",
                        card=theirs.public_id)
    assert snapshot() == before
