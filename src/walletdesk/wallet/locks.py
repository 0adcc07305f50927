"""The only place that takes row locks in the wallet.

Accounts are always locked in primary-key order, so two transactions that
touch the same accounts in opposite directions queue instead of deadlocking.
On SQLite ``select_for_update`` does nothing; there the IMMEDIATE transaction
(see settings) already gives one writer at a time.
"""

from __future__ import annotations

from collections.abc import Iterable

from .models import LedgerAccount, Transaction
from .services import ledger


def lock_accounts(ids: Iterable[int]) -> dict[int, LedgerAccount]:
    wanted = sorted(set(ids))
    rows = LedgerAccount.objects.filter(pk__in=wanted).order_by("pk").select_for_update(
        of=("self",))
    return {row.pk: row for row in rows}


def lock_transaction(pk: int) -> Transaction:
    return Transaction.objects.select_for_update(of=("self",)).get(pk=pk)


def lock_ledger(lookups: list[dict[str, object]]) -> list[LedgerAccount]:
    """Lock the accounts named by ``ledger.*_lookup`` (created if missing), in id order.

    Returns the locked rows in the order asked. Known accounts cost one
    SELECT ... FOR UPDATE and nothing else; a hint that does not match the row
    it locked is dropped and the account looked up again.
    """
    ids = [ledger.cached_id(lookup) for lookup in lookups]
    if None not in ids:
        locked = lock_accounts(ids)  # type: ignore[arg-type]
        rows = [locked.get(pk) for pk in ids]  # type: ignore[arg-type]
        if all(row is not None and ledger.matches(row, lookup)
               for row, lookup in zip(rows, lookups, strict=True)):
            return rows  # type: ignore[return-value]
        for lookup in lookups:
            ledger.forget(lookup)
    accounts = [ledger.get_or_create(lookup) for lookup in lookups]
    locked = lock_accounts(a.pk for a in accounts)
    return [locked[a.pk] for a in accounts]
