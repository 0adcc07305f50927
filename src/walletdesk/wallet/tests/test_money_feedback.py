"""What the money pages tell the customer: cards told apart by their last four digits, the
available balance beside the amount, refusals on the field they are about, a way forward when
the balance is short, a receipt after confirming that says how it really stands, and a status
history in words (never an internal id)."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from walletdesk.accounts.models import User
from walletdesk.core import clock
from walletdesk.core.errors import DomainError
from walletdesk.core.money import parse_major
from walletdesk.wallet import services
from walletdesk.wallet.models import FeePolicy, Transaction
from walletdesk.wallet.services import adjustments, cards

from .helpers import snapshot
from .test_pages_money import confirm, review

pytestmark = pytest.mark.money


def number_ending(last4: str) -> str:
    """A UnionPay number (valid check digit) that ends in ``last4``."""
    return next(n for k in range(1000)
                if cards.luhn_ok(n := f"622202123456{k:03d}{last4}"))


def client_for(user: Any, lang: str = "en") -> Client:
    client = Client(headers={"accept-language": lang})
    client.force_login(user)
    return client


@pytest.fixture
def alice(customer: Any, fund: Any) -> Client:
    fund(customer, 452_150)  # ¥4,521.50, on a card ending 0128
    return client_for(customer)


def booked(client: Client, path: str, **data: str) -> tuple[Any, Transaction]:
    """Review and confirm; the redirect to the transaction's page and the transaction."""
    r = confirm(client, path, review(client, path, **data))
    assert r.status_code == 302, r.content.decode()[:500]
    txn_id = re.search(r"/wallet/t/(tx_[0-9a-f]+)/$", r["Location"]).group(1)
    return r, Transaction.objects.get(public_id=txn_id)


def text(response: Any) -> str:
    return html.unescape(response.content.decode()).replace("\u00a0", " ")


def receipt_of(page: str) -> str:
    found = re.search(r'<div class="msg[^"]*" role="status" data-testid="receipt">(.*?)</div>',
                      page, re.S)
    return found.group(1) if found else ""


# --- 1. card labels: the last four digits first ----------------------------------------------

@pytest.mark.parametrize("lang,kind_word", [("en", "Bank card"), ("zh-hans", "银行卡")])
def test_card_options_lead_with_the_brand_and_last_four_digits(customer: Any, lang: str,
                                                               kind_word: str) -> None:
    cards.link_card(customer, kind="bank_card", number=number_ending("0127"))
    cards.link_card(customer, kind="bank_card", number=number_ending("0128"))
    client = client_for(customer, lang)
    for path in ("/wallet/top-up/", "/wallet/pay/", "/wallet/withdraw/"):
        page = text(client.get(path))
        select = re.search(r'<select name="source".*?</select>', page, re.S).group(0)
        labels = [o.strip() for o in re.findall(r"<option[^>]*>([^<]*)</option>", select)]
        cards_shown = [label for label in labels if "••••" in label]
        assert cards_shown == [f"UnionPay •••• 0128 · {kind_word}",
                               f"UnionPay •••• 0127 · {kind_word}"], (path, labels)
        assert "借记卡" not in select and "Bank card ·" not in select


# --- 3. recipient refusals on the recipient's field -----------------------------------------

@pytest.mark.parametrize("to,message", [
    ("nobody@example.com", "No wallet was found for this email address or mobile number."),
    ("alice@example.com", "You cannot transfer money to yourself."),
])
def test_recipient_refusals_are_on_the_recipient_field(alice: Client, to: str,
                                                       message: str) -> None:
    before = snapshot()
    r = review(alice, "/wallet/transfer/", to=to, amount="5.00")
    assert r.templates[0].name == "wallet/money_form.html"
    form = r.context["form"]
    assert form.errors["to"] == [message] and not form.non_field_errors()
    page = text(r)
    to_input = re.search(r'<input[^>]*name="to"[^>]*>', page).group(0)
    assert 'aria-invalid="true"' in to_input and 'aria-describedby="id_to_error"' in to_input
    assert re.search(r'<div id="id_to_error"[^>]*><p class="error" role="alert">'
                     + re.escape(message), page)
    assert 'data-testid="form-error"' not in page
    amount_input = re.search(r'<input[^>]*name="amount"[^>]*>', page).group(0)
    assert "aria-invalid" not in amount_input
    assert snapshot() == before


def test_recipient_refusal_in_chinese_keeps_its_words(customer: Any, fund: Any) -> None:
    fund(customer, 10_000)
    r = review(client_for(customer, "zh-hans"), "/wallet/transfer/", to="nobody@example.com",
               amount="5.00")
    assert r.context["form"].errors["to"] == ["未找到与该邮箱或手机号对应的钱包。"]


# --- 4. the available balance, and a way forward when it is short ---------------------------

@pytest.mark.parametrize("lang,words", [("en", "Available ¥4,521.50"),
                                        ("zh-hans", "可用余额 ¥4,521.50")])
def test_spending_forms_show_the_available_balance(customer: Any, fund: Any, lang: str,
                                                   words: str) -> None:
    fund(customer, 452_150)
    client = client_for(customer, lang)
    for path in ("/wallet/transfer/", "/wallet/pay/", "/wallet/withdraw/"):
        page = text(client.get(path))
        help_line = re.search(r'<p class="muted" id="id_amount_helptext"[^>]*>([^<]*)</p>', page)
        assert help_line and help_line.group(1) == words, path
        amount_input = re.search(r'<input[^>]*name="amount"[^>]*>', page).group(0)
        assert 'aria-describedby="id_amount_helptext"' in amount_input
    assert "id_amount_helptext" not in text(client.get("/wallet/top-up/"))


def test_available_balance_follows_the_chosen_currency(customer: Any, fund: Any) -> None:
    fund(customer, 452_150)
    fund(customer, 8_000, "HKD")
    page = text(client_for(customer).get("/wallet/transfer/?currency=HKD"))
    assert "Available HK$80.00 · ¥4,521.50" in page


def test_short_balance_offers_top_up_and_edit_and_no_promise(alice: Client,
                                                             make_customer: Any) -> None:
    make_customer("bob@example.com", display_name="Bob Li")
    r = review(alice, "/wallet/transfer/", to="bob@example.com", amount="5000.00")
    page = text(r)
    assert r.context["sheet"].short_of_money
    assert "Your available balance (¥4,521.50) does not cover the total." in page
    assert re.search(r'<a class="button" href="/wallet/top-up/\?currency=CNY" '
                     r'data-testid="review-top-up">Top up</a>', page)
    assert re.search(r'<button type="submit" form="review-edit"[^>]*>Edit</button>', page)
    assert re.search(r'<button type="submit" class="primary wide" data-testid="confirm" disabled',
                     page)
    # The promise is kept hidden for the review sheet's script (a card chosen there may pay).
    assert '<p class="muted hidden" data-testid="review-once" data-once>' in page
    # "Edit" goes back to the form with the answers kept.
    form = r.context["form"]
    back = alice.post("/wallet/transfer/", {**{n: form[n].value() or "" for n in form.fields},
                                            "step": "edit"})
    assert back.templates[0].name == "wallet/money_form.html"
    assert 'value="5000.00"' in back.content.decode()


def test_covered_total_keeps_the_promise_and_no_top_up(alice: Client,
                                                       make_customer: Any) -> None:
    make_customer("bob@example.com", display_name="Bob Li")
    page = text(review(alice, "/wallet/transfer/", to="bob@example.com", amount="5.00"))
    assert "Money moves only when you confirm. Pressing twice cannot pay twice." in page
    assert "review-top-up" not in page and "does not cover" not in page


def test_short_withdrawal_offers_edit_but_no_top_up(alice: Client, customer: Any) -> None:
    card = customer.payment_methods.get()
    page = text(review(alice, "/wallet/withdraw/", amount="5000.00", source=card.public_id))
    assert "does not cover the total" in page
    assert "review-top-up" not in page and ">Edit</button>" in page


# --- 5. a negative or zero amount -----------------------------------------------------------

@pytest.mark.parametrize("amount", ["-5", "0", "0.00", "−5", "－5", "-0.5"])
@pytest.mark.parametrize("lang,words", [("en", "The amount must be greater than zero."),
                                        ("zh-hans", "金额必须大于零。")])
def test_negative_or_zero_amount_says_more_than_zero(customer: Any, fund: Any, amount: str,
                                                    lang: str, words: str) -> None:
    fund(customer, 10_000)
    before = snapshot()
    r = review(client_for(customer, lang), "/wallet/withdraw/", amount=amount,
               source=customer.payment_methods.get().public_id)
    assert r.context["form"].errors["amount"] == [words]
    assert "12.34" not in text(r)
    assert snapshot() == before


def test_parse_major_refuses_a_sign_as_not_more_than_zero() -> None:
    with translation.override("en"):
        for typed in ("-5", "−12.30", "－1"):
            with pytest.raises(DomainError) as caught:
                parse_major(typed, "CNY")
            assert caught.value.code == "invalid_amount"
            assert str(caught.value.message) == "The amount must be greater than zero."
        with pytest.raises(DomainError) as caught:
            parse_major("abc", "CNY")
        assert str(caught.value.message) == "Enter an amount such as 12.34."


def test_chinese_amount_hint_uses_full_width_punctuation(customer: Any) -> None:
    r = review(client_for(customer, "zh-hans"), "/wallet/transfer/", to="x@example.com",
               amount="abc")
    assert r.context["form"].errors["amount"] == ["请输入金额，例如 12.34。"]


# --- 6. the merchant prompt -------------------------------------------------------------------

@pytest.mark.parametrize("lang,prompt", [("en", "Choose a merchant"), ("zh-hans", "选择商户")])
def test_merchant_select_starts_with_a_prompt(customer: Any, merchant: Any, lang: str,
                                              prompt: str) -> None:
    page = text(client_for(customer, lang).get("/wallet/pay/"))
    select = re.search(r'<select name="merchant".*?</select>', page, re.S).group(0)
    first = re.search(r'<option value=""[^>]*>([^<]*)</option>', select)
    assert first and first.group(1) == prompt
    assert "---------" not in page


# --- 2. the receipt after confirming ---------------------------------------------------------

@pytest.mark.parametrize("lang,title,line,done", [
    ("en", "Transfer sent", "¥100.00 sent to Bob Li.", "Done"),
    ("zh-hans", "转账成功", "已向 Bob Li 转账 ¥100.00。", "完成"),
])
def test_confirmed_transfer_lands_on_a_receipt_with_done(customer: Any, fund: Any,
                                                         make_customer: Any, lang: str,
                                                         title: str, line: str,
                                                         done: str) -> None:
    fund(customer, 452_150)
    make_customer("bob@example.com", display_name="Bob Li")
    client = client_for(customer, lang)
    r, txn = booked(client, "/wallet/transfer/", to="bob@example.com", amount="100.00")
    assert txn.status == Transaction.Status.COMPLETED
    page = text(client.get(r["Location"]))
    receipt = receipt_of(page)
    assert f"<h2>{title}</h2>" in receipt and line in receipt
    assert re.search(rf'<a class="button" href="/wallet/" data-testid="done">{done}</a>', page)
    # The way back comes before "Something wrong with this payment?".
    assert page.index('data-testid="done"') < page.index('data-testid="ts-txn-link"')
    assert 'class="messages"' not in page  # said once, in the receipt
    # Said once: the same page opened later is the plain transaction page.
    later = text(client.get(r["Location"]))
    assert not receipt_of(later) and 'data-testid="done"' not in later


def test_balance_payment_says_paid(alice: Client, merchant: Any) -> None:
    r, txn = booked(alice, "/wallet/pay/", merchant="sample-coffee", amount="36.50",
                    source="balance")
    assert txn.status == Transaction.Status.COMPLETED
    receipt = receipt_of(text(alice.get(r["Location"])))
    assert "<h2>Payment successful</h2>" in receipt
    assert "¥36.50 paid to Sample Coffee." in receipt


def test_pending_top_up_is_not_called_a_success_until_it_is(alice: Client,
                                                            customer: Any) -> None:
    card = customer.payment_methods.get()
    r, txn = booked(alice, "/wallet/top-up/", amount="200.00", source=card.public_id)
    assert txn.status == Transaction.Status.PENDING
    page = text(alice.get(r["Location"]))
    receipt = receipt_of(page)
    assert "<h2>Top-up submitted: not finished yet</h2>" in receipt
    assert "successful" not in page.lower() and 'data-testid="done"' in page
    # The page reloads itself when the network answers: the receipt then says how it ended.
    services.on_network_result(txn.public_id, "confirmed")
    receipt = receipt_of(text(alice.get(r["Location"])))
    assert "<h2>Top-up successful</h2>" in receipt
    assert "¥200.00 added to your wallet balance." in receipt


def test_pending_withdrawal_in_chinese(customer: Any, fund: Any) -> None:
    fund(customer, 452_150)
    client = client_for(customer, "zh-hans")
    card = customer.payment_methods.get()
    r, txn = booked(client, "/wallet/withdraw/", amount="100.00", source=card.public_id)
    page = text(client.get(r["Location"]))
    assert "<h2>提现已提交，尚未完成</h2>" in receipt_of(page)
    assert "提现成功" not in page and ">完成</a>" in page
    services.on_network_result(txn.public_id, "confirmed")
    receipt = receipt_of(text(client.get(r["Location"])))
    assert "<h2>提现成功</h2>" in receipt and "已提现 ¥100.00 至 UnionPay •••• 0128。" in receipt


def test_declined_top_up_claims_no_success_and_offers_try_again(alice: Client,
                                                                customer: Any) -> None:
    card = customer.payment_methods.get()
    r, txn = booked(alice, "/wallet/top-up/", amount="50.00", source=card.public_id)
    services.on_network_result(txn.public_id, "failed", decline_reason="do_not_honor")
    page = text(alice.get(r["Location"]))
    assert not receipt_of(page)
    assert "successful" not in page.lower() and "submitted" not in page.lower()
    assert 'data-testid="outcome" role="status"' in page  # says what happened, in words
    assert 'href="/wallet/" data-testid="done">Done</a>' in page
    assert 'href="/wallet/top-up/?currency=CNY" data-testid="try-again">Try again</a>' in page


def test_a_refused_confirmation_leaves_no_receipt(alice: Client, make_customer: Any) -> None:
    make_customer("bob@example.com", display_name="Bob Li")
    sheet = review(alice, "/wallet/transfer/", to="bob@example.com", amount="100.00")
    # The recipient's wallet closes between the review and the confirmation.
    User.objects.filter(email="bob@example.com").update(is_active=False)
    r = confirm(alice, "/wallet/transfer/", sheet)
    assert r.status_code == 200
    assert r.context["form"].errors["to"]
    assert 'data-testid="receipt"' not in r.content.decode()


# --- 7. the status history --------------------------------------------------------------------

def without_links(page: str) -> str:
    return re.sub(r'(href|data-progress-url|data-copy-text)="[^"]*"', "", page)


def test_history_links_a_refund_and_never_shows_its_id(alice: Client, customer: Any,
                                                       merchant: Any) -> None:
    payment = services.pay(customer, merchant=merchant, amount=10_000, currency="CNY",
                           method="balance")
    refund = services.refund(merchant, payment_id=payment.public_id, amount=2_500)
    page = text(alice.get(f"/wallet/t/{payment.public_id}/"))
    history = re.search(r'<ol class="timeline" data-testid="history">(.*?)</ol>', page,
                        re.S).group(1)
    lines = re.findall(r"<li>(.*?)</li>", history, re.S)
    assert len(lines) == 2
    assert "Created and completed" in lines[0]
    assert "Partly refunded by the merchant" in lines[1]
    assert f'<a href="/wallet/t/{refund.public_id}/">View refund</a>' in lines[1]
    assert refund.public_id not in without_links(page)
    assert "Completed · Created" not in page and "<code" not in history
    # Each line is one event with its time in words to the second ("Dec 7, 2026, 09:50:18"):
    # a <time>, then the words.
    assert all(re.match(r'<time class="nowrap muted" datetime="[^"]+">[A-Z][a-z]{2} \d{1,2}, '
                        r"\d{4}, [0-9:]{8}</time><br>", line) for line in lines), lines


def test_history_in_chinese_reads_as_events(customer: Any, fund: Any, merchant: Any) -> None:
    fund(customer, 452_150)
    payment = services.pay(customer, merchant=merchant, amount=10_000, currency="CNY",
                           method="balance")
    services.refund(merchant, payment_id=payment.public_id, amount=10_000)
    page = text(client_for(customer, "zh-hans").get(f"/wallet/t/{payment.public_id}/"))
    assert "已创建并完成" in page and "商户已全额退款 · <a href=" in page and "查看退款" in page
    assert "已完成 · 已创建" not in page


def test_history_hides_network_references_and_staff_ids(alice: Client, customer: Any) -> None:
    start = clock.now() - timedelta(days=1)
    FeePolicy.objects.create(operation="topup", method="bank_card", currency="CNY", fixed=50,
                             effective_from=start)
    card = customer.payment_methods.get()
    txn = services.top_up(customer, amount=2_000, currency="CNY", method="bank_card",
                          card=card.public_id)
    services.record_submission(txn.pk, "net_ref_4f2a9c")
    services.on_network_result(txn.public_id, "confirmed")
    fee_refund = adjustments.refund_fee(txn.pk, detail="support E1024")
    page = text(alice.get(f"/wallet/t/{txn.public_id}/"))
    assert "net_ref_4f2a9c" not in page and "E1024" not in page
    assert fee_refund.public_id not in without_links(page)
    assert "Created, waiting for confirmation" in page
    assert "Sent to the bank or card network" in page and "Confirmed by the network" in page
    assert f'Fee refunded by customer support · <a href="/wallet/t/{fee_refund.public_id}/">' \
           "View refund</a>" in page
    # The fee refund's own page links back to the original, without its id in words.
    page = text(alice.get(f"/wallet/t/{fee_refund.public_id}/"))
    assert f'<a href="/wallet/t/{txn.public_id}/">View the original transaction</a>' in page
    assert txn.public_id not in without_links(page)
