"""A card is linked once among a customer's linked cards (ADR 0129): the service, the API and
the Cards page refuse a second link of the same number with 409 ``card_already_linked`` and
change nothing; a removed card links again as a new card; another customer may link the same
card. The number is kept only as a keyed fingerprint of the owner and the number."""

from __future__ import annotations

import hashlib
import re
from typing import Any

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.test import Client, override_settings
from django.utils import translation

from walletdesk.accounts.models import SecurityEvent
from walletdesk.conftest import ApiClient
from walletdesk.core.models import Job
from walletdesk.notify.models import Notification
from walletdesk.wallet.errors import CardAlreadyLinked
from walletdesk.wallet.models import PaymentMethod
from walletdesk.wallet.services import cards

from .helpers import snapshot
from .test_cards import MASTERCARD, UNIONPAY, VISA, cards_state, defaults, link

pytestmark = [pytest.mark.money, pytest.mark.security]

MESSAGES = {"en": "This card is already linked to your wallet.",
            "zh-hans": "这张卡已绑定在您的钱包中。",
            "zh-hant": "這張卡已綁定在您的錢包中。"}


def everything() -> tuple[Any, ...]:
    """What a refused link must leave as it was: the cards, the ledger, the security log, the
    notification centre, queued jobs (messages go out through them) and the mail sent."""
    return (cards_state(), snapshot(), SecurityEvent.objects.count(),
            Notification.objects.count(), Job.objects.count(), len(mail.outbox))


def refusal(call: Any, lang: str = "en") -> tuple[int, str, str]:
    with pytest.raises(CardAlreadyLinked) as caught:
        call()
    with translation.override(lang):
        return caught.value.status, caught.value.code, str(caught.value.message)


# --- the service ---------------------------------------------------------------------------

def test_the_same_card_twice_is_refused_and_nothing_changes(
        customer: Any, django_capture_on_commit_callbacks: Any) -> None:
    first = link(customer, UNIONPAY, minutes_ago=5)
    newest = link(customer, VISA)  # the default now: a second link of UnionPay would take it
    before = everything()
    # The same number however it is typed, and as the other kind: one card, linked once.
    for kind, number in (("bank_card", UNIONPAY), ("bank_card", "6222 0212 3456 7890 128"),
                         ("bank_card", "6222-0212-3456-7890-128"), ("credit_card", UNIONPAY)):
        with django_capture_on_commit_callbacks() as callbacks:
            answer = refusal(lambda: cards.link_card(customer, kind=kind, number=number))
        assert answer == (409, "card_already_linked", MESSAGES["en"])
        assert callbacks == []  # nothing waits for a commit: no message, no job
    assert everything() == before
    assert defaults(customer) == [newest.public_id]
    assert defaults(customer, "credit_card") == []
    assert PaymentMethod.objects.get(pk=first.pk).removed_at is None


@pytest.mark.parametrize("lang", ["zh-hans", "zh-hant", "en"])
def test_the_refusal_is_translated(customer: Any, lang: str) -> None:
    link(customer, UNIONPAY)
    answer = refusal(lambda: cards.link_card(customer, kind="bank_card", number=UNIONPAY), lang)
    assert answer == (409, "card_already_linked", MESSAGES[lang])


def test_a_removed_card_links_again_as_a_new_card(customer: Any) -> None:
    old = link(customer, UNIONPAY, minutes_ago=5)
    cards.remove_card(customer, old.public_id)
    again = link(customer, UNIONPAY)
    assert again.pk != old.pk and again.public_id != old.public_id
    assert again.is_default and again.removed_at is None and again.fingerprint == old.fingerprint
    old.refresh_from_db()
    assert old.removed_at is not None and not old.is_default  # its history keeps naming it
    assert refusal(lambda: cards.link_card(customer, kind="bank_card", number=UNIONPAY))[1] == (
        "card_already_linked")
    # Removed and linked again, any number of times: only one of them is ever linked.
    cards.remove_card(customer, again.public_id)
    third = link(customer, UNIONPAY)
    rows = PaymentMethod.objects.filter(owner=customer, fingerprint=third.fingerprint)
    assert rows.count() == 3 and rows.filter(removed_at__isnull=True).get().pk == third.pk


def test_another_customer_may_link_the_same_card(customer: Any, make_customer: Any) -> None:
    """A family card: each wallet links it once. What Bob linked changes nothing for Alice, and
    the two rows share no fingerprint that would tie the wallets together."""
    bob = make_customer("bob@example.com")
    bobs = link(bob, UNIONPAY)
    mine = link(customer, UNIONPAY)
    assert mine.owner_id == customer.pk and mine.is_default
    assert mine.fingerprint != bobs.fingerprint
    before = cards_state()
    for user in (customer, bob):  # each is refused only for their own card
        assert refusal(lambda: cards.link_card(user, kind="bank_card", number=UNIONPAY))[1] == (
            "card_already_linked")
    assert cards_state() == before
    cards.remove_card(bob, bobs.public_id)  # Bob's removal leaves Alice's card linked
    assert PaymentMethod.objects.get(pk=mine.pk).removed_at is None


def test_the_number_is_kept_only_as_a_keyed_fingerprint(customer: Any) -> None:
    card = link(customer, UNIONPAY)
    assert re.fullmatch(r"[0-9a-f]{64}", card.fingerprint or "")
    assert card.fingerprint != hashlib.sha256(UNIONPAY.encode()).hexdigest()  # keyed, not a hash
    row = PaymentMethod.objects.filter(pk=card.pk).values().get()
    assert not [k for k, v in row.items() if UNIONPAY[:-4] in str(v) or UNIONPAY[6:-4] in str(v)]
    assert card.fingerprint == cards.fingerprint(customer.pk, UNIONPAY)
    with override_settings(SECRET_KEY="another-deployment-key"):
        assert cards.fingerprint(customer.pk, UNIONPAY) != card.fingerprint


def test_cards_linked_before_fingerprints_do_not_block_a_link(customer: Any) -> None:
    """A card linked before migration 0009 has no fingerprint (the number was never kept): the
    same number links once more, then the rule holds."""
    legacy = PaymentMethod.objects.create(owner=customer, kind="bank_card", brand="UnionPay",
                                          last4="0128", is_default=True)
    assert legacy.fingerprint is None
    card = link(customer, UNIONPAY)
    assert card.is_default and not PaymentMethod.objects.get(pk=legacy.pk).is_default
    assert refusal(lambda: cards.link_card(customer, kind="bank_card", number=UNIONPAY))[1] == (
        "card_already_linked")


def test_the_database_keeps_one_linked_card_per_fingerprint(
        customer: Any, make_customer: Any) -> None:
    """The rule does not rest on the service: a second linked row with the same owner and
    fingerprint is refused by the database (whatever its kind); a removed row, a row without a
    fingerprint and another owner's row do not count."""
    card = link(customer, UNIONPAY)
    twin = {"owner": customer, "brand": "UnionPay", "last4": "0128", "is_default": False,
            "fingerprint": card.fingerprint}
    for kind in ("bank_card", "credit_card"):
        with pytest.raises(IntegrityError), transaction.atomic():
            PaymentMethod.objects.create(kind=kind, **twin)
    PaymentMethod.objects.create(kind="bank_card", **{**twin, "fingerprint": None})
    PaymentMethod.objects.create(kind="bank_card", **{**twin, "owner": make_customer()})
    cards.remove_card(customer, card.public_id)
    PaymentMethod.objects.create(kind="bank_card", **twin)  # the removed one holds no place


def test_a_link_that_meets_the_same_card_in_the_index_is_refused_the_same_way(
        customer: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The race on one connection: the card is linked (as by another device) after this link
    looked, so the insert meets it in the unique index. The IntegrityError becomes the same typed
    refusal, and the default that the insert had taken is given back (the PostgreSQL race with
    real threads: ``test_the_same_card_linked_twice_at_once_is_linked_once``)."""
    other = link(customer, MASTERCARD, minutes_ago=5)
    card = link(customer, UNIONPAY)
    looked = []
    real = cards._refuse_if_linked

    def too_early_once(user: Any, mark: str) -> None:
        looked.append(mark)
        if len(looked) > 1:  # the look after the index refused the insert
            real(user, mark)

    monkeypatch.setattr(cards, "_refuse_if_linked", too_early_once)
    before = everything()
    assert refusal(lambda: cards.link_card(customer, kind="bank_card", number=UNIONPAY)) == (
        409, "card_already_linked", MESSAGES["en"])
    assert len(looked) == 2  # the insert was tried, and refused by the index
    assert everything() == before
    assert defaults(customer) == [card.public_id]
    assert not PaymentMethod.objects.get(pk=other.pk).is_default


# --- the API -------------------------------------------------------------------------------

def test_api_link_twice_is_409_and_changes_nothing(api: ApiClient, customer: Any) -> None:
    body = {"kind": "bank_card", "card_number": UNIONPAY}
    first = api.post("/api/v1/wallet/methods", body)
    assert first.status_code == 201, first.content
    listed = api.get("/api/v1/wallet/methods").json()
    before = everything()
    r = api.post("/api/v1/wallet/methods", body)
    assert r.status_code == 409
    assert r.json() == {"code": "card_already_linked", "message": MESSAGES["zh-hans"]}
    r = api.client.post("/api/v1/wallet/methods", body, content_type="application/json",
                        headers={**api._headers(None), "Accept-Language": "en"})
    assert (r.status_code, r.json()) == (409, {"code": "card_already_linked",
                                               "message": MESSAGES["en"]})
    assert everything() == before
    assert api.get("/api/v1/wallet/methods").json() == listed
    assert "fingerprint" not in first.json()  # never shown


def test_api_relink_after_removal_and_another_customers_card(
        api: ApiClient, customer: Any, make_customer: Any) -> None:
    link(make_customer("bob@example.com"), UNIONPAY)  # Bob's card does not stand in the way
    body = {"kind": "bank_card", "card_number": UNIONPAY}
    first = api.post("/api/v1/wallet/methods", body).json()
    gone = api.client.delete(f"/api/v1/wallet/methods/{first['id']}", headers=api._headers(None))
    assert gone.status_code == 200
    again = api.post("/api/v1/wallet/methods", body)
    assert again.status_code == 201, again.content
    assert again.json()["id"] != first["id"] and again.json()["is_default"]


def test_the_openapi_document_lists_the_conflict(anon_api: ApiClient) -> None:
    doc = anon_api.get("/api/v1/openapi.json").json()
    assert "409" in doc["paths"]["/api/v1/wallet/methods"]["post"]["responses"]


# --- the Cards page ------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_the_page_shows_the_refusal_under_the_card_number(customer: Any, lang: str) -> None:
    link(customer, UNIONPAY)
    client = Client(headers={"accept-language": lang})
    client.force_login(customer)
    before = everything()
    r = client.post("/wallet/cards/", {"kind": "credit_card",
                                       "card_number": "6222 0212 3456 7890 128"})
    assert r.status_code == 200  # the form again, not a redirect
    assert r.context["form"].errors == {"card_number": [MESSAGES[lang]]}
    assert not list(r.context["messages"])  # no "Card linked"
    after_field = r.content.decode().split('name="card_number"', 1)[1].split("</label>", 1)[1]
    assert after_field.startswith(f'<p class="error" role="alert">{MESSAGES[lang]}</p>')
    assert everything() == before


# --- the race (PostgreSQL) -----------------------------------------------------------------

@pytest.mark.postgres
@pytest.mark.timeout(120)
@pytest.mark.parametrize("kinds", [("bank_card", "bank_card"), ("bank_card", "credit_card")])
def test_the_same_card_linked_twice_at_once_is_linked_once(
        ledger_db: None, make_customer: Any, kinds: tuple[str, str]) -> None:
    """Two devices link the same card at the same moment. A customer with no card yet has no
    row to lock: both links look, find nothing and insert, and the unique index holds the
    second until the first commits, then refuses it; that IntegrityError is answered as
    ``card_already_linked``, as if the second link had come later. With a card linked already
    the card lock queues them and the second one sees the first. Either way: one linked row,
    its kind's default, and the refused link changed nothing."""
    from .test_concurrency import run_threads

    for round_ in range(6):
        user = make_customer()
        existing = link(user, MASTERCARD) if round_ % 2 else None  # bank card, its default
        results = run_threads(2, lambda i: cards.link_card(user, kind=kinds[i], number=UNIONPAY))
        linked = [r for r in results if isinstance(r, PaymentMethod)]
        refused = [r for r in results if isinstance(r, CardAlreadyLinked)]
        assert len(linked) == 1 and len(refused) == 1, results
        assert (refused[0].status, refused[0].code) == (409, "card_already_linked")
        winner = linked[0]
        live = PaymentMethod.objects.filter(owner=user, removed_at__isnull=True)
        assert sorted(live.values_list("pk", flat=True)) == sorted(
            [winner.pk] + ([existing.pk] if existing else []))
        assert live.get(fingerprint=cards.fingerprint(user.pk, UNIONPAY)).pk == winner.pk
        assert defaults(user, winner.kind) == [winner.public_id]
        if existing is not None and winner.kind != existing.kind:
            assert defaults(user, existing.kind) == [existing.public_id]
        assert not PaymentMethod.objects.filter(owner=user, removed_at__isnull=False).exists()
