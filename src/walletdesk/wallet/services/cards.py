"""A customer's cards: link one (number checked; the brand, the last four digits and a keyed
fingerprint kept, never the number), remove one, choose the default of each kind (ADR 0127).
A card is linked once among the customer's linked cards (ADR 0129).

Each change locks the customer's linked cards first (``locks.lock_cards``, primary-key order),
so two changes to the same wallet queue; removal is soft (``removed_at``): the card's past
transactions keep naming it, and top-ups or withdrawals already under way on it still finish.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils.crypto import salted_hmac

from walletdesk.accounts.models import User
from walletdesk.accounts.services import events
from walletdesk.core import clock
from walletdesk.notify import services as notify

from .. import locks
from ..errors import CardAlreadyLinked, CardNotFound, InvalidCard, UnknownMethod
from ..models import OUTSIDE_METHODS, PaymentMethod

BRANDS = (("62", "UnionPay"), ("34", "Amex"), ("37", "Amex"), ("4", "Visa"),
          ("51", "Mastercard"), ("52", "Mastercard"), ("53", "Mastercard"),
          ("54", "Mastercard"), ("55", "Mastercard"), ("35", "JCB"))

# The HMAC key is derived from SECRET_KEY with this salt (Django's salted_hmac): a fingerprint
# means nothing without the key, and no other HMAC of the project shares the key.
FINGERPRINT_SALT = "walletdesk.wallet.card-fingerprint"

# The message a customer receives when a card leaves their wallet (notify/messages/).


@dataclass(frozen=True)
class Removal:
    """A removed card and the card of its kind that became the default in its place, if any."""

    card: PaymentMethod
    new_default: PaymentMethod | None


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def brand_of(digits: str) -> str:
    return next((name for prefix, name in BRANDS if digits.startswith(prefix)), "Card")


def fingerprint(owner_id: int, digits: str) -> str:
    """The card's fingerprint in one customer's wallet: HMAC-SHA256 of the owner and the full
    number, keyed from SECRET_KEY. The owner is in it, so the same card in two wallets has two
    unrelated fingerprints (ADR 0129)."""
    return salted_hmac(FINGERPRINT_SALT, f"{owner_id}:{digits}", algorithm="sha256").hexdigest()


def link_card(user: User, *, kind: object, number: object) -> PaymentMethod:
    """Link a card as the default of its kind. Refused with ``card_already_linked`` when the
    customer has the same number linked (as either kind); a removed card links again as a new
    card. Nothing changes on a refusal."""
    if kind not in OUTSIDE_METHODS:
        raise UnknownMethod()
    digits = re.sub(r"[\s-]", "", number) if isinstance(number, str) else ""
    if not re.fullmatch(r"\d{12,19}", digits) or not luhn_ok(digits):
        raise InvalidCard()
    mark = fingerprint(user.pk, digits)
    with transaction.atomic():
        locks.lock_cards(user.pk)
        _refuse_if_linked(user, mark)
        # The new card becomes the default of its kind. The lock above serialises linking when
        # the customer has cards; for a first card there is no row to lock, and a link of the
        # same moment meets this one in a unique index: the same card is then refused as
        # linked; another card, now committed, gives up its default to this one, once.
        try:
            return _insert(user, str(kind), digits, mark)
        except IntegrityError:
            return _insert(user, str(kind), digits, mark)


def _refuse_if_linked(user: User, mark: str) -> None:
    if PaymentMethod.objects.filter(owner=user, fingerprint=mark, removed_at__isnull=True).exists():
        raise CardAlreadyLinked()


def _insert(user: User, kind: str, digits: str, mark: str) -> PaymentMethod:
    """The card as the default of its kind, in a savepoint. A unique index that refuses it
    waited for the link it met to commit, so this transaction now sees that link: the same
    card is ``card_already_linked`` (ADR 0129); anything else goes on as the IntegrityError."""
    try:
        with transaction.atomic():
            return _new_default(user, kind, digits, mark)
    except IntegrityError:
        _refuse_if_linked(user, mark)
        raise


def _new_default(user: User, kind: str, digits: str, mark: str) -> PaymentMethod:
    PaymentMethod.objects.filter(owner=user, kind=kind, is_default=True).update(is_default=False)
    return PaymentMethod.objects.create(owner=user, kind=kind, brand=brand_of(digits),
                                        last4=digits[-4:], fingerprint=mark, is_default=True)


def _own(cards: list[PaymentMethod], card_id: object) -> PaymentMethod:
    """The customer's linked card by its public id; an unknown id, another customer's card and
    a removed card are the same refusal (nothing tells them apart)."""
    found = next((c for c in cards if isinstance(card_id, str) and c.public_id == card_id), None)
    if found is None:
        raise CardNotFound()
    return found


def next_default(cards: list[PaymentMethod], card: PaymentMethod) -> PaymentMethod | None:
    """Of ``cards`` (linked ones), the card that becomes the default when ``card`` goes: the
    most recently linked one of its kind."""
    rest = [c for c in cards if c.kind == card.kind and c.pk != card.pk]
    return max(rest, key=lambda c: (c.created_at, c.pk), default=None)


def remove_card(user: User, card_id: object, *, ip: str | None = None) -> Removal:
    """Take a card out of the wallet (soft: ``removed_at`` is set). When it was the default of
    its kind, the most recently linked card left of that kind becomes the default. Pending
    top-ups and withdrawals on it are not cancelled. Audited; the customer is told."""
    with transaction.atomic():
        cards = locks.lock_cards(user.pk)
        card = _own(cards, card_id)
        now = clock.now()
        # Guarded: only a card that is still linked (a second removal changes nothing).
        if not PaymentMethod.objects.filter(pk=card.pk, removed_at__isnull=True).update(
                removed_at=now, is_default=False):
            raise CardNotFound()
        was_default = card.is_default
        card.removed_at, card.is_default = now, False
        successor = None
        if was_default:
            successor = next_default(cards, card)
            if successor is not None:
                PaymentMethod.objects.filter(pk=successor.pk).update(is_default=True)
                successor.is_default = True
        events.record("card_removed", user, ip=ip, card=card.public_id, card_kind=card.kind,
                      brand=card.brand, last4=card.last4,
                      new_default=successor.public_id if successor else None)
        _tell_removed(user, card)
    return Removal(card, successor)


def make_default(user: User, card_id: object, *, ip: str | None = None) -> PaymentMethod:
    """Make a linked card the default of its kind (the one payment forms offer first)."""
    with transaction.atomic():
        card = _own(locks.lock_cards(user.pk), card_id)
        if card.is_default:
            return card  # already so: nothing changes, nothing to audit
        PaymentMethod.objects.filter(owner=user, kind=card.kind, is_default=True).exclude(
            pk=card.pk).update(is_default=False)
        PaymentMethod.objects.filter(pk=card.pk).update(is_default=True)
        card.is_default = True
        events.record("card_default_changed", user, ip=ip, card=card.public_id, card_kind=card.kind,
                      brand=card.brand, last4=card.last4)
    return card


def _tell_removed(user: User, card: PaymentMethod) -> None:
    """A security notice, as the account's security alerts are: every address on file (within
    the hourly cap) after commit, and the notification centre."""
    notify.tell_owner(user, "card_removed", card=str(card), when=card.removed_at)
