"""The contact form's transaction picker: each recent transaction named as the history list
names it, so a transfer and a top-up of the same amount never look alike.

An option reads "Zhang Wei · Transfer · −¥3.00 · 2026-12-06 23:34": who (the merchant, the
other person of a transfer, or the card of a top-up or withdrawal), the kind, the amount
signed as it moved the balance (no sign when it never moved: failed, incomplete, reversed),
the time in the viewer's zone, and the status only when it is not completed.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from walletdesk.core.money import format_minor
from walletdesk.wallet import queries as wallet_queries

# Statuses whose money never moved (wallet.templatetags.txn_table shows them unsigned too).
VOID = frozenset({"failed", "expired", "reversed"})
SEPARATOR = " · "


def _who(txn: Any, direction: int) -> str:
    if txn.merchant_id:
        return str(txn.merchant)
    if txn.counterparty_id:
        other = txn.customer if direction > 0 else txn.counterparty
        return str(other) if other is not None else ""
    if txn.payment_method_id:
        return str(txn.payment_method)
    return ""


def transaction_label(txn: Any, user: Any) -> str:
    """One transaction of ``user`` as the picker shows it (in the active language and zone)."""
    direction = wallet_queries.direction_for(txn, user)
    amount = format_minor(int(txn.amount or 0), txn.currency)
    if txn.status not in VOID:
        amount = ("+" if direction > 0 else "−") + amount
    when = timezone.localtime(txn.created_at).strftime("%Y-%m-%d %H:%M")
    parts = [_who(txn, direction), str(txn.get_type_display()), amount, when]
    if txn.status != "completed":
        parts.append(str(txn.get_status_display()))
    return SEPARATOR.join(p for p in parts if p)


def transaction_options(txns: Iterable[Any], user: Any) -> list[tuple[str, str]]:
    """(public id, label) for each transaction, in the order given."""
    return [(t.public_id, transaction_label(t, user)) for t in txns]
