"""The only place that takes row locks in the wallet (it writes nothing).

Accounts are always locked in primary-key order, so two transactions that
touch the same accounts in opposite directions queue instead of deadlocking.
On SQLite ``select_for_update`` does nothing; there the IMMEDIATE transaction
(see settings) already gives one writer at a time. An idempotency key's record is
locked when a refusal is stored after its rollback (``services.idempotency``). A customer's
linked cards are locked together, in primary-key order, before one of them is linked, removed
or made the default (``services.cards``).
"""

from __future__ import annotations

from collections.abc import Iterable

from .models import IdempotencyRecord, LedgerAccount, PaymentMethod, Transaction


def lock_accounts(ids: Iterable[int]) -> dict[int, LedgerAccount]:
    wanted = sorted(set(ids))
    rows = LedgerAccount.objects.filter(pk__in=wanted).order_by("pk").select_for_update(
        of=("self",))
    return {row.pk: row for row in rows}


def lock_transaction(pk: int) -> Transaction:
    return Transaction.objects.select_for_update(of=("self",)).get(pk=pk)


def lock_idempotency_record(scope: str, key: str) -> IdempotencyRecord:
    return IdempotencyRecord.objects.select_for_update().get(scope=scope, key=key)


def lock_cards(owner_id: int) -> list[PaymentMethod]:
    """The customer's linked cards (removed ones left out), locked in primary-key order."""
    return list(PaymentMethod.objects.filter(owner_id=owner_id, removed_at__isnull=True)
                .order_by("pk").select_for_update(of=("self",)))
