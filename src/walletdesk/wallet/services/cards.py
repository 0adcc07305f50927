"""Linking cards: validate the number, keep only the brand and the last four digits."""

from __future__ import annotations

import re

from django.db import transaction

from walletdesk.accounts.models import User

from ..errors import InvalidCard, UnknownMethod
from ..models import OUTSIDE_METHODS, PaymentMethod

BRANDS = (("62", "UnionPay"), ("34", "Amex"), ("37", "Amex"), ("4", "Visa"),
          ("51", "Mastercard"), ("52", "Mastercard"), ("53", "Mastercard"),
          ("54", "Mastercard"), ("55", "Mastercard"), ("35", "JCB"))


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


def link_card(user: User, *, kind: object, number: object) -> PaymentMethod:
    if kind not in OUTSIDE_METHODS:
        raise UnknownMethod()
    digits = re.sub(r"[\s-]", "", number) if isinstance(number, str) else ""
    if not re.fullmatch(r"\d{12,19}", digits) or not luhn_ok(digits):
        raise InvalidCard()
    with transaction.atomic():
        PaymentMethod.objects.filter(owner=user, kind=kind).update(is_default=False)
        return PaymentMethod.objects.create(owner=user, kind=str(kind), brand=brand_of(digits),
                                            last4=digits[-4:], is_default=True)
