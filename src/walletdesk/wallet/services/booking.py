"""The hot path: book a completed balance transfer or payment with no ORM compilation.

A P2P transfer and a payment from the balance write the same rows: one
``Transaction`` (completed at once), its first ``TransactionEvent``, and the
principal, fee and promotion postings. ``book`` writes them with fixed,
parameterised SQL (ADR 0005):

* PostgreSQL: one call of ``wallet_book_transfer`` (migrations 0003 to 0005), which
  checks the accounts, writes the transaction and its event, adds it to the
  customer's risk counter row (ADR 0046), then locks the accounts in id order,
  checks the available balance and writes the postings.
  Outside any transaction it is its own transaction: one round trip in all. A
  refusal there is the database error ``account_available_gte_0``.
* SQLite: the same statements in Python inside one IMMEDIATE transaction (the
  writer lock replaces the row locks).

Either way the database still enforces ADR 0001: the posting triggers move the
balances and refuse a currency mismatch, and the CHECK constraints refuse an
overdraft. The account ids come from ``ledger``'s hints; the booking checks
that each id names the account meant, and on a mismatch the accounts are
looked up again once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import connection, transaction

from walletdesk.core import clock
from walletdesk.risk import services as risk
from walletdesk.risk.models import RiskDecision
from walletdesk.risk.services import counters

from ..errors import InsufficientFunds
from ..models import LedgerAccount, Transaction, public_id
from . import ledger

Kind = LedgerAccount.Kind
INSUFFICIENT, STALE = -1, -2


@dataclass(frozen=True)
class Booking:
    """What a completed balance transfer or payment writes."""

    type: str
    customer_id: int
    counterparty_id: int | None
    merchant_id: int | None
    currency: str
    method: str
    amount: int
    fee: int
    fee_before_promotion: int
    fee_policy_id: int | None
    promotion_id: int | None
    note: str
    time_zone: str | None = None  # the customer's, for the periods of the risk counter row

    def lookups(self) -> list[dict[str, object]]:
        """Source, destination, then fee revenue and promotion expense when the fee needs them."""
        dst = (ledger.merchant_lookup(self.merchant_id, self.currency)
               if self.merchant_id is not None
               else ledger.customer_lookup(self.counterparty_id or 0, self.currency))
        found = [ledger.customer_lookup(self.customer_id, self.currency), dst]
        if self.fee_before_promotion:
            found.append(ledger.system_lookup(Kind.FEE_REVENUE, self.currency))
            if self.fee_before_promotion > self.fee:
                found.append(ledger.system_lookup(Kind.PROMOTION_EXPENSE, self.currency))
        return found


def book(booking: Booking, decision: RiskDecision | None = None) -> tuple[int, str, datetime]:
    """Write the booking; returns (transaction id, public id, time). Raises insufficient_funds.

    ``decision``: an allowed risk decision still to be written (``risk.services.insert_pending``)
    is written with the booking: on PostgreSQL by the same statement (ADR 0118), on SQLite
    just before it; either way in the caller's transaction."""
    if risk.insert_pending(decision) and connection.vendor != "postgresql":
        risk.write_pending(decision)
    lookups = booking.lookups()
    ids = [pk for pk in map(ledger.cached_id, lookups) if pk is not None]
    for attempt in range(2):
        if attempt or len(ids) < len(lookups):
            for lookup in lookups:
                ledger.forget(lookup)
            ids = [ledger.get_or_create(lookup).pk for lookup in lookups]
        at, ref = clock.now(), public_id("tx")
        if connection.vendor == "postgresql":
            result = _book_postgres(booking, ids, ref, at, decision)
        else:
            result = _book_sqlite(booking, lookups, ids, ref, at)
        if result == INSUFFICIENT:
            raise InsufficientFunds()
        if result != STALE:
            return result, ref, at
    raise RuntimeError("ledger accounts changed under the booking twice")


def _atomic() -> Any:
    # Inside a caller's transaction (the idempotency record's) no savepoint: an
    # error here, a refusal included, marks the caller's whole transaction for
    # rollback, which is what the caller does with a refusal anyway.
    return transaction.atomic(savepoint=False)


def _padded(ids: list[int]) -> list[int | None]:
    return [*ids, None, None][:4]


BOOK_SQL = "SELECT wallet_book_transfer(" + ", ".join(["%s"] * 20) + ")"
# The allowed risk decision's fixed INSERT and the booking call, one statement (ADR 0118): a
# data-modifying WITH always runs, and an error in the call takes the INSERT back with it.
BOOK_WITH_DECISION_SQL = (f"WITH decision AS ({risk.INSERT_DECISION_SQL}) "  # noqa: S608 (fixed statements)
                          f"{BOOK_SQL}, (SELECT id FROM decision)")


def _book_postgres(b: Booking, ids: list[int], ref: str, at: datetime,
                   decision: RiskDecision | None = None) -> int:
    hour, day = counters.periods(b.time_zone, at)
    params = [ref, b.type, b.customer_id, b.counterparty_id, b.merchant_id, b.currency, b.method,
              b.amount, b.fee, b.fee_before_promotion, b.fee_policy_id, b.promotion_id, b.note,
              at, *_padded(ids), hour, day]
    sql = BOOK_SQL
    with_decision = risk.insert_pending(decision)
    if with_decision:
        assert decision is not None
        sql, params = BOOK_WITH_DECISION_SQL, [*risk.decision_values(decision), *params]
    if connection.in_atomic_block:
        with _atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
    else:  # Autocommit: the function call is its own transaction, one round trip.
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
    if with_decision:  # written, whatever the call answered (a STALE retry must not repeat it)
        assert decision is not None
        risk.decision_written(decision, row[1])
    return int(row[0])


ACCOUNTS_SQL = ("SELECT id, kind, owner_id, merchant_id, method, currency, balance - pending_out "
                "FROM wallet_ledgeraccount WHERE id IN (%s, %s, %s, %s)")
TRANSACTION_SQL = (
    "INSERT INTO wallet_transaction (public_id, type, status, amount, fee, fee_before_promotion, "
    "currency, method, customer_id, counterparty_id, merchant_id, fee_policy_id, promotion_id, "
    "refunded_amount, note, network_ref, created_at, updated_at, completed_at) "
    "VALUES (%s, %s, 'completed', %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, 0, %s, '', %s, %s, %s) "
    "RETURNING id")
EVENT_SQL = ("INSERT INTO wallet_transactionevent (transaction_id, from_status, to_status, reason, "
             "detail, at) VALUES (%s, '', 'completed', 'created', '', %s)")
POSTING_SQL = ("INSERT INTO wallet_posting (transaction_id, source_id, destination_id, amount, "
               "currency, kind, created_at) VALUES (%s, %s, %s, %s, %s, %s, %s)")


def _book_sqlite(b: Booking, lookups: list[dict[str, object]], ids: list[int], ref: str,
                 at: datetime) -> int:
    stamp = connection.ops.adapt_datetimefield_value(at)
    outermost = not connection.in_atomic_block
    with (transaction.atomic() if outermost else _atomic()), connection.cursor() as cursor:
        cursor.execute(ACCOUNTS_SQL, _padded(ids))
        rows = {row[0]: row for row in cursor.fetchall()}
        for pk, lookup in zip(ids, lookups, strict=True):
            row = rows.get(pk)
            if row is None or (row[1], row[2], row[3], row[4], row[5]) != ledger.key(lookup):
                return STALE
        if rows[ids[0]][6] < b.amount + b.fee:
            return INSUFFICIENT
        cursor.execute(TRANSACTION_SQL, [
            ref, b.type, b.amount, b.fee, b.fee_before_promotion, b.currency, b.method,
            b.customer_id, b.counterparty_id, b.merchant_id, b.fee_policy_id, b.promotion_id,
            b.note, stamp, stamp, stamp])
        txn_id = int(cursor.fetchone()[0])
        cursor.execute(EVENT_SQL, [txn_id, stamp])
        cursor.execute(counters.UPSERT_SQL, counters.params(
            b.customer_id, b.currency, b.time_zone, 1, b.amount, at=at))
        postings = [(ids[0], ids[1], b.amount, "principal")]
        if b.fee:
            postings.append((ids[0], ids[2], b.fee, "fee"))
        if b.fee_before_promotion > b.fee:
            postings.append((ids[3], ids[2], b.fee_before_promotion - b.fee, "promotion"))
        cursor.executemany(POSTING_SQL, [(txn_id, src, dst, amount, b.currency, kind, stamp)
                                         for src, dst, amount, kind in postings])
        return txn_id


def as_transaction(b: Booking, txn_id: int, ref: str, at: datetime, **related: Any) -> Transaction:
    """The booked row as a model instance, without reading it back."""
    txn = Transaction(
        pk=txn_id, public_id=ref, type=b.type, status=Transaction.Status.COMPLETED,
        amount=b.amount, fee=b.fee, fee_before_promotion=b.fee_before_promotion,
        currency=b.currency, method=b.method, customer_id=b.customer_id,
        counterparty_id=b.counterparty_id, merchant_id=b.merchant_id,
        fee_policy_id=b.fee_policy_id, promotion_id=b.promotion_id, note=b.note,
        created_at=at, updated_at=at, completed_at=at)
    for name, value in related.items():
        setattr(txn, name, value)
    txn._state.adding = False
    txn._state.db = connection.alias
    return txn
