"""Ledger primitives used by the wallet services (inside their transactions).

Which account (look-ups, created on first use, with per-process id hints), postings and
holds. Nothing here opens a transaction of its own: the calling service owns it (a new
account's insert has a savepoint). ``lock`` takes the accounts' row locks through
``locks.py`` after creating any that are missing. Balances as read are in ``queries.py``.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import F, Q

from walletdesk.accounts.models import User
from walletdesk.core import clock

from .. import locks
from ..errors import InsufficientFunds
from ..models import Hold, LedgerAccount, Merchant, Posting, Transaction

Kind = LedgerAccount.Kind

# Which row holds (kind, owner, merchant, method, currency): a hint that saves a
# SELECT per account on the hot paths. Rows are never deleted or re-keyed, and
# every user of a hint checks the row it locked against the key (``matches``),
# so a stale hint (a test database rolled back) only costs a fresh lookup.
_ids: dict[tuple[object, ...], int] = {}


def key(lookup: dict[str, object]) -> tuple[object, ...]:
    return (lookup["kind"], lookup.get("owner_id"), lookup.get("merchant_id"),
            lookup.get("method", ""), lookup["currency"])


def matches(account: LedgerAccount, lookup: dict[str, object]) -> bool:
    return (account.kind, account.owner_id, account.merchant_id, account.method,
            account.currency) == key(lookup)


def cached_id(lookup: dict[str, object]) -> int | None:
    return _ids.get(key(lookup))


def forget(lookup: dict[str, object]) -> None:
    _ids.pop(key(lookup), None)


def _get_or_create(lookup: dict[str, object], defaults: dict[str, object]) -> LedgerAccount:
    account = LedgerAccount.objects.filter(**lookup).first()
    if account is None:
        try:
            with transaction.atomic():
                account = LedgerAccount.objects.create(**lookup, **defaults)
        except IntegrityError:  # created by a concurrent request: the unique constraint decides
            account = LedgerAccount.objects.get(**lookup)
    _ids[key(lookup)] = account.pk
    return account


def customer_lookup(user: User | int, currency: str) -> dict[str, object]:
    user_id = user if isinstance(user, int) else user.pk
    return {"kind": Kind.CUSTOMER, "owner_id": user_id, "currency": currency}


def merchant_lookup(merchant: Merchant | int, currency: str) -> dict[str, object]:
    merchant_id = merchant if isinstance(merchant, int) else merchant.pk
    return {"kind": Kind.MERCHANT, "merchant_id": merchant_id, "currency": currency}


def system_lookup(kind: str, currency: str, method: str = "") -> dict[str, object]:
    return {"kind": kind, "method": method, "currency": currency, "owner_id": None,
            "merchant_id": None}


def get_or_create(lookup: dict[str, object]) -> LedgerAccount:
    allow_negative = lookup["kind"] in (Kind.CLEARING, Kind.PROMOTION_EXPENSE)
    return _get_or_create(lookup, {"allow_negative": allow_negative} if allow_negative else {})


def customer_account(user: User | int, currency: str) -> LedgerAccount:
    return get_or_create(customer_lookup(user, currency))


def merchant_account(merchant: Merchant | int, currency: str) -> LedgerAccount:
    return get_or_create(merchant_lookup(merchant, currency))


def system_account(kind: str, currency: str, method: str = "") -> LedgerAccount:
    return get_or_create(system_lookup(kind, currency, method))


def post(txn: Transaction, source: LedgerAccount, destination: LedgerAccount, amount: int,
         kind: str) -> Posting | None:
    """Move ``amount`` from source to destination; the trigger updates both balances."""
    if amount == 0:
        return None
    return Posting.objects.create(transaction=txn, source=source, destination=destination,
                                  amount=amount, currency=txn.currency, kind=kind,
                                  created_at=clock.now())


def open_hold(txn: Transaction, account: LedgerAccount, direction: str, amount: int) -> Hold:
    """Reserve money for a pending transaction (guarded: never below available)."""
    accounts = LedgerAccount.objects.filter(pk=account.pk)
    if direction == Hold.Direction.OUT:
        guarded = accounts.filter(Q(allow_negative=True) |
                                  Q(balance__gte=F("pending_out") + amount))
        if not guarded.update(pending_out=F("pending_out") + amount):
            raise InsufficientFunds()
    else:
        accounts.update(pending_in=F("pending_in") + amount)
    return Hold.objects.create(transaction=txn, account=account, direction=direction,
                               amount=amount)


def close_holds(txn: Transaction, status: str) -> None:
    """Post or void every open hold of a transaction, releasing the reservation."""
    now = clock.now()
    for hold in Hold.objects.filter(transaction=txn, status=Hold.Status.OPEN):
        field = "pending_out" if hold.direction == Hold.Direction.OUT else "pending_in"
        LedgerAccount.objects.filter(pk=hold.account_id).update(**{field: F(field) - hold.amount})
        Hold.objects.filter(pk=hold.pk, status=Hold.Status.OPEN).update(status=status,
                                                                        closed_at=now)


def lock(lookups: list[dict[str, object]]) -> list[LedgerAccount]:
    """Lock the accounts named by ``*_lookup`` (created if missing), in id order.

    Returns the locked rows in the order asked. Known accounts cost one
    SELECT ... FOR UPDATE and nothing else; a hint that does not match the row
    it locked is dropped and the account looked up again.
    """
    ids = [cached_id(lookup) for lookup in lookups]
    if None not in ids:
        locked = locks.lock_accounts(ids)  # type: ignore[arg-type]
        rows = [locked.get(pk) for pk in ids]  # type: ignore[arg-type]
        if all(row is not None and matches(row, lookup)
               for row, lookup in zip(rows, lookups, strict=True)):
            return rows  # type: ignore[return-value]
        for lookup in lookups:
            forget(lookup)
    accounts = [get_or_create(lookup) for lookup in lookups]
    locked = locks.lock_accounts(a.pk for a in accounts)
    return [locked[a.pk] for a in accounts]
