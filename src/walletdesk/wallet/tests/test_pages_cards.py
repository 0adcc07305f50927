"""The Cards page (ADR 0127): each card row offers "Set as default" and "Remove"; removing goes
through a confirm page (no script needed), then says which card was removed. A removed card is
no longer offered by the money forms or the review sheet."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.test import Client

from walletdesk.accounts.models import SecurityEvent
from walletdesk.wallet.models import PaymentMethod

from .helpers import snapshot
from .test_cards import MASTERCARD, UNIONPAY, VISA, link

pytestmark = [pytest.mark.money, pytest.mark.security]


def client_for(user: Any, lang: str = "en") -> Client:
    client = Client(headers={"accept-language": lang})
    client.force_login(user)
    return client


def messages_of(response: Any) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_each_row_offers_its_buttons(customer: Any) -> None:
    other = link(customer, VISA, minutes_ago=5)
    default = link(customer, UNIONPAY)
    page = client_for(customer).get("/wallet/cards/").content.decode()
    assert f'action="/wallet/cards/{other.public_id}/default/"' in page
    assert f'action="/wallet/cards/{default.public_id}/default/"' not in page  # already default
    for card in (other, default):
        assert f'href="/wallet/cards/{card.public_id}/remove/"' in page
    form = page.split(f'action="/wallet/cards/{other.public_id}/default/"')[1].split("</form>")[0]
    assert 'name="csrfmiddlewaretoken"' in form


def test_remove_through_the_confirm_page(customer: Any) -> None:
    newer_visa = link(customer, VISA, minutes_ago=5)
    card = link(customer, UNIONPAY)
    client = client_for(customer)
    confirm = client.get(f"/wallet/cards/{card.public_id}/remove/")
    assert confirm.status_code == 200
    text = confirm.content.decode()
    assert "UnionPay •••• 0128" in text
    assert "Top-ups and withdrawals already under way on this card still finish." in text
    assert "Visa •••• 1111 then becomes your default card of this type." in text  # named beforehand
    assert PaymentMethod.objects.get(pk=card.pk).removed_at is None  # the page changed nothing

    done = client.post(f"/wallet/cards/{card.public_id}/remove/", follow=True)
    assert done.redirect_chain == [("/wallet/cards/", 302)]
    assert messages_of(done) == ["Card removed: UnionPay •••• 0128",
                                 "Default bank card is now Visa •••• 1111"]
    assert PaymentMethod.objects.get(pk=card.pk).removed_at is not None
    rows = [m.public_id for m in done.context["methods"]]
    assert rows == [newer_visa.public_id]
    assert "UnionPay •••• 0128" not in done.content.decode().split('data-testid="cards"')[1].split(
        "</ul>")[0]


def test_words_in_chinese(customer: Any) -> None:
    link(customer, VISA, minutes_ago=5)
    card = link(customer, UNIONPAY)
    client = client_for(customer, "zh-hans")
    page = client.get("/wallet/cards/").content.decode()
    assert "设为默认" in page and "解绑" in page
    confirm = client.get(f"/wallet/cards/{card.public_id}/remove/").content.decode()
    assert "解绑这张卡？" in confirm and "这张卡上处理中的充值和提现仍会完成。" in confirm
    assert "解绑后，Visa •••• 1111 将成为默认卡。" in confirm
    done = client.post(f"/wallet/cards/{card.public_id}/remove/", follow=True)
    assert messages_of(done) == ["已解绑：UnionPay •••• 0128", "默认银行卡已改为 Visa •••• 1111"]


def test_set_as_default(customer: Any) -> None:
    older = link(customer, VISA, minutes_ago=5)
    link(customer, UNIONPAY)
    client = client_for(customer)
    done = client.post(f"/wallet/cards/{older.public_id}/default/", follow=True)
    assert messages_of(done) == ["Default bank card is now Visa •••• 1111"]
    assert PaymentMethod.objects.get(pk=older.pk).is_default
    assert SecurityEvent.objects.filter(user=customer, kind="card_default_changed").exists()
    # The top-up form offers it first now.
    form = client.get("/wallet/top-up/").context["form"]
    assert next(v for v, _label in form.fields["source"].choices) == older.public_id


def test_default_needs_a_post(customer: Any) -> None:
    card = link(customer, VISA)
    assert client_for(customer).get(f"/wallet/cards/{card.public_id}/default/").status_code == 405


def test_forms_need_the_csrf_token(customer: Any) -> None:
    card = link(customer, VISA)
    client = Client(enforce_csrf_checks=True)
    client.force_login(customer)
    assert client.post(f"/wallet/cards/{card.public_id}/remove/").status_code == 403
    assert client.post(f"/wallet/cards/{card.public_id}/default/").status_code == 403
    assert PaymentMethod.objects.get(pk=card.pk).removed_at is None


def test_another_customers_card_is_not_found_and_unchanged(customer: Any,
                                                            make_customer: Any) -> None:
    bob = make_customer("bob@example.com")
    bobs = link(bob, VISA, minutes_ago=5)
    link(bob, UNIONPAY)
    client = client_for(customer)
    assert client.get(f"/wallet/cards/{bobs.public_id}/remove/").status_code == 404
    for action in ("remove", "default"):
        r = client.post(f"/wallet/cards/{bobs.public_id}/{action}/", follow=True)
        assert messages_of(r) == ["This card is not linked to your wallet."]
    bobs.refresh_from_db()
    assert bobs.removed_at is None and not bobs.is_default
    assert not SecurityEvent.objects.filter(kind__startswith="card_").exists()


def test_removing_twice_says_it_is_gone(customer: Any) -> None:
    card = link(customer, VISA)
    client = client_for(customer)
    client.post(f"/wallet/cards/{card.public_id}/remove/")
    assert client.get(f"/wallet/cards/{card.public_id}/remove/").status_code == 404
    again = client.post(f"/wallet/cards/{card.public_id}/remove/", follow=True)
    assert messages_of(again) == ["This card is not linked to your wallet."]
    assert SecurityEvent.objects.filter(kind="card_removed").count() == 1


@pytest.mark.parametrize(("path", "operation"), [("/wallet/top-up/", "topup"),
                                                 ("/wallet/withdraw/", "withdrawal")])
def test_a_removed_card_is_not_offered_by_the_forms_or_the_review_sheet(
        customer: Any, fund: Any, path: str, operation: str) -> None:
    fund(customer, 100_000)
    gone = link(customer, MASTERCARD)
    kept = link(customer, VISA, "credit_card")
    client = client_for(customer)
    client.post(f"/wallet/cards/{gone.public_id}/remove/")

    form = client.get(path).context["form"]
    offered = [v for v, _label in form.fields["source"].choices]
    assert gone.public_id not in offered and "Mastercard •••• 4444" not in client.get(
        path).content.decode()
    idem = uuid.uuid4().hex
    sheet = client.post(path, {"step": "review", "idem": idem, "currency": "CNY",
                               "amount": "10.00", "source": offered[-1]})
    values = [o.value for o in sheet.context["sheet"].options]
    assert gone.public_id not in values
    assert "Mastercard •••• 4444" not in sheet.content.decode()
    if operation == "topup":
        assert kept.public_id in values

    # A form still naming the removed card (an old tab) is refused; nothing moves.
    before = snapshot()
    for step in ("review", "confirm"):
        r = client.post(path, {"step": step, "idem": idem, "currency": "CNY", "amount": "10.00",
                               "source": gone.public_id, "reviewed": "x" * 32})
        assert r.status_code == 200 and r.context["form"].errors.get("source")
    assert snapshot() == before


def test_the_link_form_still_works(customer: Any) -> None:
    client = client_for(customer)
    r = client.post("/wallet/cards/", {"kind": "bank_card", "card_number": VISA}, follow=True)
    assert messages_of(r) == ["Card linked: Visa •••• 1111"]
