"""Removing a card and choosing the default (ADR 0127): the services and the API.

A removal is soft (``removed_at``), moves the default to the newest card left of its kind,
is audited and told to the customer; pending money on the card still finishes. Another
customer's card, a removed one and an unknown id are one refusal, and change nothing."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.utils import translation

from walletdesk.accounts.models import SecurityEvent
from walletdesk.accounts.tests.fixtures import messages_to
from walletdesk.conftest import ApiClient
from walletdesk.core import clock
from walletdesk.notify.models import Notification
from walletdesk.wallet import services
from walletdesk.wallet.errors import CardNotFound, MethodNotLinked
from walletdesk.wallet.models import PaymentMethod
from walletdesk.wallet.services import cards

from .helpers import assert_ledger_ok, snapshot

pytestmark = [pytest.mark.money, pytest.mark.security]

UNIONPAY = "6222021234567890128"  # •••• 0128
VISA = "4111111111111111"  # •••• 1111
MASTERCARD = "5555555555554444"  # •••• 4444
AMEX = "378282246310005"  # •••• 0005


def link(user: Any, number: str, kind: str = "bank_card", *, minutes_ago: int = 0) -> PaymentMethod:
    """Link a card; ``minutes_ago`` dates it back so the order of linking is unambiguous."""
    card = cards.link_card(user, kind=kind, number=number)
    if minutes_ago:
        PaymentMethod.objects.filter(pk=card.pk).update(
            created_at=clock.now() - timedelta(minutes=minutes_ago))
        card.refresh_from_db()
    return card


def cards_state() -> list[tuple[Any, ...]]:
    return list(PaymentMethod.objects.order_by("pk").values_list(
        "public_id", "is_default", "removed_at"))


def defaults(user: Any, kind: str = "bank_card") -> list[str]:
    return list(PaymentMethod.objects.filter(owner=user, kind=kind, removed_at__isnull=True,
                                             is_default=True).values_list("public_id", flat=True))


# --- services -----------------------------------------------------------------------------

def test_remove_is_soft_and_the_newest_card_left_becomes_default(customer: Any) -> None:
    oldest = link(customer, VISA, minutes_ago=30)
    middle = link(customer, MASTERCARD, minutes_ago=20)
    newest = link(customer, UNIONPAY, minutes_ago=10)
    assert defaults(customer) == [newest.public_id]

    removal = cards.remove_card(customer, newest.public_id)

    newest.refresh_from_db()
    assert newest.removed_at is not None and not newest.is_default  # kept, not deleted
    assert removal.card.pk == newest.pk
    assert removal.new_default is not None and removal.new_default.pk == middle.pk
    assert defaults(customer) == [middle.public_id]
    assert not PaymentMethod.objects.get(pk=oldest.pk).is_default


def test_removing_a_card_that_is_not_the_default_keeps_the_default(customer: Any) -> None:
    other = link(customer, VISA, minutes_ago=10)
    default = link(customer, UNIONPAY)
    removal = cards.remove_card(customer, other.public_id)
    assert removal.new_default is None
    assert defaults(customer) == [default.public_id]


def test_the_default_moves_only_within_its_kind(customer: Any) -> None:
    credit = link(customer, AMEX, "credit_card", minutes_ago=5)
    bank = link(customer, UNIONPAY)
    removal = cards.remove_card(customer, bank.public_id)
    assert removal.new_default is None  # no bank card left: the credit card is not promoted
    assert defaults(customer) == []
    assert defaults(customer, "credit_card") == [credit.public_id]


def test_make_default(customer: Any) -> None:
    first = link(customer, VISA, minutes_ago=10)
    second = link(customer, UNIONPAY)
    credit = link(customer, AMEX, "credit_card")
    card = cards.make_default(customer, first.public_id)
    assert card.pk == first.pk and card.is_default
    assert defaults(customer) == [first.public_id]
    assert not PaymentMethod.objects.get(pk=second.pk).is_default
    assert defaults(customer, "credit_card") == [credit.public_id]  # other kind untouched
    # Payment forms and the API's "bank_card" now take the new default first.
    txn = services.top_up(customer, amount=1_000, currency="CNY", method="bank_card")
    assert txn.payment_method_id == first.pk
    events = SecurityEvent.objects.filter(user=customer, kind="card_default_changed")
    assert [e.data["card"] for e in events] == [first.public_id]
    # Asking again changes nothing and logs nothing.
    cards.make_default(customer, first.public_id)
    assert SecurityEvent.objects.filter(user=customer, kind="card_default_changed").count() == 1


@pytest.mark.parametrize("action", ["remove", "default"])
def test_another_customers_removed_or_unknown_card_is_one_refusal(
        customer: Any, make_customer: Any, action: str) -> None:
    bob = make_customer("bob@example.com")
    bobs = link(bob, VISA, minutes_ago=5)
    link(bob, UNIONPAY)
    mine = link(customer, MASTERCARD, minutes_ago=5)
    link(customer, UNIONPAY)
    gone = link(customer, VISA)
    cards.remove_card(customer, gone.public_id)
    before, log = cards_state(), SecurityEvent.objects.count()
    notes = Notification.objects.count()
    call = cards.remove_card if action == "remove" else cards.make_default
    answers = []
    for card_id in (bobs.public_id, gone.public_id, "pm_0000", "", None, 42):
        with pytest.raises(CardNotFound) as caught, translation.override("en"):
            call(customer, card_id)
        with translation.override("en"):
            answers.append((caught.value.status, caught.value.code, str(caught.value.message)))
    assert set(answers) == {(404, "card_not_found", "This card is not linked to your wallet.")}
    assert cards_state() == before  # nothing changed: not Bob's cards, not mine
    assert SecurityEvent.objects.count() == log and Notification.objects.count() == notes
    assert PaymentMethod.objects.get(pk=mine.pk).removed_at is None


def test_a_removal_is_audited_and_told_to_the_customer(
        make_customer: Any, django_capture_on_commit_callbacks: Any) -> None:
    user = make_customer("li@example.com", phone="+8613800138000", language="zh-hans",
                         anti_phishing_phrase="青花瓷")
    card = link(user, UNIONPAY)
    with django_capture_on_commit_callbacks(execute=True):
        cards.remove_card(user, card.public_id, ip="203.0.113.9")
    event = SecurityEvent.objects.get(user=user, kind="card_removed")
    assert str(event.ip) == "203.0.113.9"
    assert event.data == {"card": card.public_id, "card_kind": "bank_card", "brand": "UnionPay",
                          "last4": "0128", "new_default": None}
    note = Notification.objects.get(user=user)
    assert note.kind == "security" and "UnionPay •••• 0128" in note.body
    assert note.title == "您的 walletdesk 钱包解绑了一张卡"
    sent = messages_to(user.email) + messages_to(user.phone)
    assert {m["channel"] for m in sent} == {"email", "sms"}
    email = next(m for m in sent if m["channel"] == "email")
    assert "青花瓷" in email["body"] and "UnionPay •••• 0128" in email["body"]
    assert "仍会完成" in email["body"] and "如果不是您本人" in email["body"]
    assert len(mail.outbox) == 1


def test_a_pending_top_up_and_withdrawal_on_a_removed_card_still_finish(
        customer: Any, fund: Any) -> None:
    fund(customer, 50_000)
    card = PaymentMethod.objects.get(owner=customer, kind="bank_card")
    top_up = services.top_up(customer, amount=10_000, currency="CNY", method="bank_card",
                             card=card.public_id)
    withdrawal = services.withdraw(customer, amount=5_000, currency="CNY", method="bank_card",
                                   card=card.public_id)
    assert {top_up.status, withdrawal.status} == {"pending"}
    cards.remove_card(customer, card.public_id)
    assert services.on_network_result(top_up.public_id, "confirmed").status == "completed"
    assert services.on_network_result(withdrawal.public_id, "confirmed").status == "completed"
    top_up.refresh_from_db()
    assert top_up.payment_method_id == card.pk  # the history still names the card
    assert_ledger_ok()


def test_a_removed_card_cannot_move_money(customer: Any, fund: Any) -> None:
    fund(customer, 50_000)
    keep = link(customer, VISA, "credit_card")
    card = PaymentMethod.objects.get(owner=customer, kind="bank_card")
    cards.remove_card(customer, card.public_id)
    before = snapshot()
    for call in (lambda: services.top_up(customer, amount=1_000, currency="CNY",
                                         method="bank_card", card=card.public_id),
                 lambda: services.withdraw(customer, amount=1_000, currency="CNY",
                                           method="bank_card", card=card.public_id),
                 lambda: services.top_up(customer, amount=1_000, currency="CNY",
                                         method="bank_card")):
        with pytest.raises(MethodNotLinked):
            call()
    assert snapshot() == before
    assert services.top_up(customer, amount=1_000, currency="CNY", method="credit_card",
                           card=keep.public_id).payment_method_id == keep.pk


# --- API ----------------------------------------------------------------------------------

def api_delete(api: ApiClient, path: str) -> Any:
    return api.client.delete(path, headers=api._headers(None))


def test_api_remove_and_make_default(api: ApiClient, customer: Any) -> None:
    older = link(customer, VISA, minutes_ago=10)
    newer = link(customer, UNIONPAY)
    r = api.post(f"/api/v1/wallet/methods/{older.public_id}/default")
    assert r.status_code == 200, r.content
    assert r.json() == {"id": older.public_id, "kind": "bank_card", "brand": "Visa",
                        "last4": "1111", "is_default": True}
    r = api_delete(api, f"/api/v1/wallet/methods/{older.public_id}")
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["id"] == older.public_id and body["removed_at"]
    assert body["new_default"] == {"id": newer.public_id, "kind": "bank_card", "brand": "UnionPay",
                                   "last4": "0128", "is_default": True}
    listed = api.get("/api/v1/wallet/methods").json()
    assert [(m["id"], m["is_default"]) for m in listed] == [(newer.public_id, True)]


def test_api_refusals_are_typed_and_the_same_for_every_card_not_yours(
        api: ApiClient, customer: Any, make_customer: Any) -> None:
    bobs = link(make_customer("bob@example.com"), VISA)
    gone = link(customer, UNIONPAY)
    cards.remove_card(customer, gone.public_id)
    before = cards_state()
    answers = []
    for card_id in (bobs.public_id, gone.public_id, "pm_nothing"):
        for r in (api_delete(api, f"/api/v1/wallet/methods/{card_id}"),
                  api.post(f"/api/v1/wallet/methods/{card_id}/default")):
            answers.append((r.status_code, r.json()["code"], r.json()["message"]))
    assert set(answers) == {(404, "card_not_found", "这张卡未绑定在您的钱包中。")}
    assert cards_state() == before


def test_api_message_in_the_callers_language(api: ApiClient) -> None:
    for path in ("/api/v1/wallet/methods/pm_nothing", "/api/v1/wallet/methods/pm_x/default"):
        call = api.client.delete if not path.endswith("default") else api.client.post
        r = call(path, headers={**api._headers(None), "Accept-Language": "en"})
        assert r.status_code == 404
        assert r.json() == {"code": "card_not_found",
                            "message": "This card is not linked to your wallet."}


def test_api_needs_a_signed_in_customer(anon_api: ApiClient, customer: Any,
                                        merchant: Any) -> None:
    card = link(customer, UNIONPAY)
    assert api_delete(anon_api, f"/api/v1/wallet/methods/{card.public_id}").status_code == 401
    assert anon_api.post(f"/api/v1/wallet/methods/{card.public_id}/default").status_code == 401
    shop = ApiClient(merchant.api_key)  # a merchant key is not a customer's sign-in
    assert api_delete(shop, f"/api/v1/wallet/methods/{card.public_id}").status_code == 401
    assert PaymentMethod.objects.get(pk=card.pk).removed_at is None


# --- races (PostgreSQL) -------------------------------------------------------------------

@pytest.mark.postgres
@pytest.mark.timeout(120)
def test_concurrent_changes_leave_exactly_one_default(ledger_db: None, make_customer: Any) -> None:
    """Removing the default and the card that would take its place at the same time, while
    another thread chooses the default: the card rows are locked together, so the customer
    ends with one default among the cards left, never a removed one."""
    from .test_concurrency import run_threads

    for _round in range(5):
        user = make_customer()
        oldest = link(user, VISA, minutes_ago=30)
        middle = link(user, MASTERCARD, minutes_ago=20)
        newest = link(user, UNIONPAY, minutes_ago=10)
        work = [lambda: cards.remove_card(user, newest.public_id),
                lambda: cards.remove_card(user, middle.public_id),
                lambda: cards.make_default(user, oldest.public_id)]
        results = run_threads(3, lambda i: work[i]())
        assert not [r for r in results if isinstance(r, BaseException)], results
        assert defaults(user) == [oldest.public_id]
        assert not PaymentMethod.objects.filter(owner=user, removed_at__isnull=False,
                                                is_default=True).exists()


def test_the_database_keeps_one_default_per_kind(customer: Any) -> None:
    """The rule does not rest on the services alone: a second live default of the same kind
    is refused by the database; a removed card or another kind does not count."""
    from django.db import IntegrityError, transaction

    card = link(customer, UNIONPAY)
    link(customer, VISA, kind="credit_card")  # the credit cards' own default
    with pytest.raises(IntegrityError), transaction.atomic():
        PaymentMethod.objects.create(owner=customer, kind="bank_card", brand="Visa", last4="1111",
                                     is_default=True)
    cards.remove_card(customer, card.public_id)
    PaymentMethod.objects.create(owner=customer, kind="bank_card", brand="Visa", last4="1111",
                                 is_default=True)  # the removed one no longer holds the place
    assert len(defaults(customer)) == 1


@pytest.mark.postgres
@pytest.mark.timeout(120)
def test_two_first_cards_linked_at_once_leave_one_default(ledger_db: None,
                                                          make_customer: Any) -> None:
    """A customer with no card links two at the same moment (two devices): there is no card
    row to lock yet; both links succeed and exactly one of the two is the default."""
    from .test_concurrency import run_threads

    for _round in range(5):
        user = make_customer()
        numbers = (UNIONPAY, MASTERCARD)
        results = run_threads(2, lambda i: cards.link_card(user, kind="bank_card",
                                                           number=numbers[i]))
        assert not [r for r in results if isinstance(r, BaseException)], results
        linked = PaymentMethod.objects.filter(owner=user, removed_at__isnull=True)
        assert linked.count() == 2
        assert len(defaults(user)) == 1
