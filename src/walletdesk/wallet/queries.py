"""Read-only views of the wallet: balances, history, statements."""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection
from django.db.models import Q, QuerySet, Sum
from django.db.models.expressions import RawSQL

from walletdesk.accounts.models import AccountHold, User
from walletdesk.accounts.services import holds
from walletdesk.core import clock, reads
from walletdesk.core.fixedquery import FixedQuery
from walletdesk.core.money import CURRENCIES
from walletdesk.core.reads import Read

from . import reference as refs
from .models import LedgerAccount, Merchant, PaymentMethod, PaymentRequest, Posting, Transaction


@dataclass
class Balance:
    currency: str
    balance: int
    available: int
    pending: int
    held: int

    def __getitem__(self, name: str) -> Any:
        """``b.available`` in a template: Django tries ``b["available"]`` before the attribute,
        and for a plain object that fails with an exception each time (the wallet home reads
        some twenty-five of these, issue #16); an unknown name still fails as before."""
        if name in _BALANCE_FIELDS:
            return getattr(self, name)
        raise KeyError(name)


_BALANCE_FIELDS = frozenset(("currency", "balance", "available", "pending", "held"))


BALANCES_SQL = ("SELECT currency, balance, pending_in, pending_out FROM wallet_ledgeraccount "
                "WHERE kind = 'customer' AND owner_id = %s")
# Text and integers: read back from JSON as they are (core.reads' one-statement form).
BALANCES_COLUMNS = (None, None, None, None)


def balances_read(user: User) -> Read[list[Balance]]:
    """Every currency's balance (zero without an account): one fixed statement, the most
    frequent read of the API (issue #16)."""
    def finish(rows: list[Any]) -> list[Balance]:
        accounts = {row[0]: row[1:] for row in rows}
        out = []
        for currency in CURRENCIES:
            balance, pending_in, pending_out = accounts.get(currency, (0, 0, 0))
            out.append(Balance(currency, balance, balance - pending_out, pending_in, pending_out))
        return out
    return Read(BALANCES_SQL, [user.pk], finish, BALANCES_COLUMNS)


def balances(user: User) -> list[Balance]:
    return reads.one(balances_read(user))


def merchant_balances(merchant: Merchant) -> list[Balance]:
    accounts = {a.currency: a for a in LedgerAccount.objects.filter(
        kind=LedgerAccount.Kind.MERCHANT, merchant=merchant)}
    return [Balance(c, a.balance, a.available, a.pending_in, a.pending_out) if (a := accounts.get(c))
            else Balance(c, 0, 0, 0, 0) for c in CURRENCIES]


def transactions_of(user: User) -> QuerySet[Transaction]:
    return Transaction.objects.filter(Q(customer=user) | Q(counterparty=user)).select_related(
        "merchant", "counterparty", "customer", "promotion", "payment_method")


def find(qs: QuerySet[Transaction], text: str) -> Transaction | None:
    """The one transaction of ``qs`` named by ``text``: its id (``tx_…``), or the reference
    the customer reads out ("0123 4567 8901 2345", spaces optional). Narrow ``qs`` to one
    customer first: a reference is unique within a customer's transactions, not across all
    (``wallet.reference``); a reference that two of them share names neither."""
    text = text.strip()
    if not text:
        return None
    tail = refs.tail_of(text)
    if tail is None:
        return qs.filter(public_id=text[:40]).first()
    found = list(qs.filter(public_id__endswith=tail)[:2])
    return found[0] if len(found) == 1 else None


# The same columns as sequences for the table's rows (``TableRow``): building five model
# instances per row (the transaction and its joined rows) was most of the CPU of reading them.
ROW_FIELDS = ("id", "public_id", "type", "status", "amount", "fee", "currency", "created_at",
              "customer_id", "counterparty_id", "merchant_id", "payment_method_id",
              "merchant__name", "merchant__name_en", "payment_method__brand",
              "payment_method__last4",
              *(f"{who}__{f}" for who in ("customer", "counterparty")
                for f in ("display_name", "email", "phone")))


class TableRow:
    """One transaction as the table of transactions reads it (``wallet.templatetags.
    txn_table``), from one row of ``ROW_FIELDS``. The labels are ``Transaction``'s own; the
    names shown (merchant, customer, counterparty, card) are the models' own ``__str__`` of an
    instance built from the joined columns, only when the table asks for one."""

    __slots__ = ROW_NAMES = tuple(f.replace("__", "_") for f in ROW_FIELDS)
    id: int
    public_id: str
    type: str
    status: str
    amount: int
    fee: int
    currency: str
    created_at: datetime
    customer_id: int | None
    counterparty_id: int | None
    merchant_id: int | None
    payment_method_id: int | None
    merchant_name: str | None
    merchant_name_en: str | None
    payment_method_brand: str | None
    payment_method_last4: str | None
    customer_display_name: str
    customer_email: str | None
    customer_phone: str | None
    counterparty_display_name: str
    counterparty_email: str | None
    counterparty_phone: str | None

    def __init__(self, values: Sequence[Any]) -> None:
        for name, value in zip(self.ROW_NAMES, values, strict=True):
            setattr(self, name, value)

    @property
    def pk(self) -> int:
        return self.id

    type_label = property(Transaction.type_label.fget)  # type: ignore[attr-defined]
    status_label = property(Transaction.status_label.fget)  # type: ignore[attr-defined]

    @property
    def merchant(self) -> Merchant | None:
        if self.merchant_id is None:
            return None
        return Merchant(id=self.merchant_id, name=self.merchant_name or "",
                        name_en=self.merchant_name_en or "")

    @property
    def payment_method(self) -> PaymentMethod | None:
        if self.payment_method_id is None:
            return None
        return PaymentMethod(id=self.payment_method_id, brand=self.payment_method_brand or "",
                             last4=self.payment_method_last4 or "")

    @property
    def customer(self) -> User | None:
        return self._user(self.customer_id, self.customer_display_name, self.customer_email,
                          self.customer_phone)

    @property
    def counterparty(self) -> User | None:
        return self._user(self.counterparty_id, self.counterparty_display_name,
                          self.counterparty_email, self.counterparty_phone)

    @staticmethod
    def _user(pk: int | None, display_name: str | None, email: str | None,
              phone: str | None) -> User | None:
        if pk is None:
            return None
        return User(id=pk, display_name=display_name or "", email=email, phone=phone)


def table_rows(qs: QuerySet[Transaction]) -> TableRows:
    """``qs`` (filtered, ordered) read as ``TableRow``s, for a Paginator."""
    return TableRows(qs.values_list(*ROW_FIELDS))


class TableRows:
    """A values_list queryset as a Paginator's object list of ``TableRow``s."""

    def __init__(self, qs: QuerySet[Any]) -> None:
        self.qs = qs

    def count(self) -> int:
        return self.qs.count()

    def __getitem__(self, s: slice) -> list[TableRow]:
        return [TableRow(r) for r in self.qs[s]]


# The ids of one page of ``transactions_of(user)`` newest first (created_at, then id): the
# first offset + limit of the user's own rows and of the rows paid to the user (each read in
# the order of its index, txn_customer_recent / txn_counterparty_recent), merged, then the
# page. A row that names the user twice is taken from the first part only.
HISTORY_PAGE_IDS_SQL = (
    "SELECT id FROM ("
    "SELECT id, created_at FROM (SELECT id, created_at FROM wallet_transaction "
    "WHERE customer_id = %s ORDER BY created_at DESC, id DESC LIMIT %s) AS own "
    "UNION ALL "
    "SELECT id, created_at FROM (SELECT id, created_at FROM wallet_transaction "
    "WHERE counterparty_id = %s AND (customer_id IS NULL OR customer_id <> %s) "
    "ORDER BY created_at DESC, id DESC LIMIT %s) AS paid"
    ") AS mine ORDER BY created_at DESC, id DESC LIMIT %s OFFSET %s")


def page_ids(user_id: int, offset: int, limit: int) -> RawSQL:
    """The ids of ``transactions_of(user)[offset:offset + limit]`` newest first, for
    ``pk__in``: with ``customer OR counterparty`` PostgreSQL joined and sorted every one of the
    user's rows for a page (a bench customer with 15,000 transactions: 26 ms of database time
    a read, about 0.3 ms this way)."""
    return RawSQL(HISTORY_PAGE_IDS_SQL, [user_id, offset + limit, user_id, user_id,  # noqa: S611 (fixed SQL, values as parameters)
                                         offset + limit, limit, offset])


def _recent(limit: int) -> FixedQuery[Any]:
    def build(user_id: int) -> QuerySet[Any]:
        return Transaction.objects.filter(pk__in=page_ids(user_id, 0, limit)).order_by(
            "-created_at", "-pk").values_list(*ROW_FIELDS)
    return FixedQuery(build, user_id=int)


# The wallet home's statements, compiled once per connection (core.fixedquery, issue #16).
_RECENT: dict[int, FixedQuery[Any]] = {8: _recent(8)}


def recent_read(user: User, limit: int) -> Read[list[TableRow]]:
    """The user's latest transactions with what the table shows, newest first."""
    query = _RECENT.get(limit)
    if query is None:
        query = _RECENT.setdefault(limit, _recent(limit))
    tuples = query.read_tuples(user_id=user.pk)
    return Read(tuples.sql, tuples.params, lambda rows: [TableRow(r) for r in tuples.finish(rows)],
                tuples.columns)


OPEN_REQUESTS = FixedQuery(
    lambda user_id, now: PaymentRequest.objects.filter(
        customer_id=user_id, status=PaymentRequest.Status.OPEN, expires_at__gt=now,
    ).select_related("merchant").order_by("pk"),
    user_id=int, now=datetime)


def open_requests_read(user: User) -> Read[list[PaymentRequest]]:
    """The merchants' payment requests waiting for this customer's answer, oldest first."""
    return OPEN_REQUESTS.read(user_id=user.pk, now=clock.now())


ACTIVE_HOLDS = FixedQuery(lambda user_id, now: holds.active_at(user_id, now).order_by("until"),
                          user_id=int, now=datetime)


def active_holds_read(user: User) -> Read[list[AccountHold]]:
    """``accounts.services.holds.active(user)`` ordered by their end."""
    return ACTIVE_HOLDS.read(user_id=user.pk, now=clock.now())


# The first pages of an unfiltered history (the common read: the API's and the page's
# default), compiled once per connection for each (offset, limit); past this many distinct
# pages the ORM builds the statement on every read.
MAX_FIXED_PAGES = 256
HISTORY_COUNT_SQL = ("SELECT COUNT(*) FROM wallet_transaction "
                     "WHERE customer_id = %s OR counterparty_id = %s")


_TABLE_PAGES: dict[tuple[int, int], FixedQuery[Any]] = {}


def history_table_slice(user: User, offset: int, limit: int) -> list[TableRow]:
    """``transactions_of(user)[offset:offset + limit]`` newest first, as the table's rows."""
    if limit <= 0:
        return []

    def build(user_id: int) -> QuerySet[Any]:
        return Transaction.objects.filter(pk__in=page_ids(user_id, offset, limit)).order_by(
            "-created_at", "-pk").values_list(*ROW_FIELDS)

    key = (offset, limit)
    query = _TABLE_PAGES.get(key)
    if query is None:
        if len(_TABLE_PAGES) >= MAX_FIXED_PAGES:
            return [TableRow(r) for r in build(user.pk)]
        query = _TABLE_PAGES.setdefault(key, FixedQuery(build, user_id=int))
    return [TableRow(r) for r in query.tuples(user_id=user.pk)]


# What the history API writes of each transaction (``serializers.transaction_row_dict``, the
# same values as ``transaction_dict`` for a customer): read as plain columns, no model instances.
API_FIELDS = ("public_id", "type", "status", "amount", "fee", "fee_before_promotion",
              "promotion__name_en", "currency", "method", "created_at", "updated_at",
              "completed_at", "expires_at", "refunded_amount", "merchant__slug",
              "parent__public_id", "note", "customer_id", "counterparty_id",
              *(f"{who}__{f}" for who in ("customer", "counterparty")
                for f in ("display_name", "email", "phone")))
_API_PAGES: dict[tuple[int, int], FixedQuery[Transaction]] = {}
def history_rows(user: User, offset: int, limit: int) -> list[tuple[Any, ...]]:
    """``transactions_of(user)[offset:offset + limit]`` newest first, as tuples of
    ``API_FIELDS``."""
    if limit <= 0:
        return []

    def build(user_id: int) -> QuerySet[Transaction, tuple[Any, ...]]:
        # the page's ids first, then only their columns and joined names
        return Transaction.objects.filter(pk__in=page_ids(user_id, offset, limit)).order_by(
            "-created_at", "-pk").values_list(*API_FIELDS)

    key = (offset, limit)
    query = _API_PAGES.get(key)
    if query is None:
        if len(_API_PAGES) >= MAX_FIXED_PAGES:
            return list(build(user.pk))
        query = _API_PAGES.setdefault(key, FixedQuery(build, user_id=int))
    return query.tuples(user_id=user.pk)


def history_count(user: User) -> int:
    """How many transactions ``transactions_of(user)`` holds: one fixed statement."""
    with connection.cursor() as cursor:
        cursor.execute(HISTORY_COUNT_SQL, [user.pk, user.pk])
        return int(cursor.fetchone()[0])


class UnfilteredHistory:
    """A user's whole history as a Paginator's object list (``count`` and slices), for the
    table: each read is a statement compiled once (``history_table_slice``, ``history_count``)."""

    def __init__(self, user: User) -> None:
        self.user = user

    def count(self) -> int:
        return history_count(self.user)

    def __getitem__(self, s: slice) -> list[TableRow]:
        start, stop = s.start or 0, s.stop
        return history_table_slice(self.user, start, stop - start)


def unfiltered(f: HistoryFilter) -> bool:
    return f == HistoryFilter(tz=f.tz)


def merchant_transactions(merchant: Merchant) -> QuerySet[Transaction]:
    return Transaction.objects.filter(merchant=merchant).select_related("customer")


@dataclass
class HistoryFilter:
    status: str = ""
    type: str = ""
    currency: str = ""
    since: date | None = None
    until: date | None = None
    min_amount: int | None = None
    max_amount: int | None = None
    tz: str = field(default_factory=lambda: settings.DEFAULT_USER_TIME_ZONE)


def filter_history(qs: QuerySet[Transaction], f: HistoryFilter) -> QuerySet[Transaction]:
    zone = ZoneInfo(f.tz)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.type:
        qs = qs.filter(type=f.type)
    if f.currency:
        qs = qs.filter(currency=f.currency)
    if f.since:
        qs = qs.filter(created_at__gte=datetime.combine(f.since, time.min, zone))
    if f.until:
        qs = qs.filter(created_at__lt=datetime.combine(f.until, time.max, zone))
    if f.min_amount is not None:
        qs = qs.filter(amount__gte=f.min_amount)
    if f.max_amount is not None:
        qs = qs.filter(amount__lte=f.max_amount)
    return qs.order_by("-created_at", "-pk")


def direction_for(txn: Transaction | TableRow, user: User) -> int:
    """+1 when the transaction brings money to this user's wallet, -1 when it takes it."""
    if txn.type in (Transaction.Type.TOPUP, Transaction.Type.REFUND):
        return 1
    if txn.type == Transaction.Type.TRANSFER:
        return 1 if txn.counterparty_id == user.pk else -1
    return -1


def balance_at(account: LedgerAccount, at: datetime, *, inclusive: bool = True) -> int:
    """The posted balance of an account at any past moment, from its postings.

    ``inclusive`` counts postings made exactly at ``at``; a statement's opening
    balance leaves them out.
    """
    lookup = "created_at__lte" if inclusive else "created_at__lt"
    incoming = Posting.objects.filter(destination=account, **{lookup: at}).aggregate(
        s=Sum("amount"))["s"] or 0
    outgoing = Posting.objects.filter(source=account, **{lookup: at}).aggregate(
        s=Sum("amount"))["s"] or 0
    return int(incoming - outgoing)


@dataclass
class StatementLine:
    at: datetime
    transaction: Transaction
    kind: str
    amount: int  # signed, seen from the customer's wallet


@dataclass
class Statement:
    currency: str
    year: int
    month: int
    opening: int
    closing: int
    credits: int = 0
    debits: int = 0
    lines: list[StatementLine] = field(default_factory=list)


def monthly_statement(user: User, currency: str, year: int, month: int,
                      tz: str | None = None) -> Statement:
    zone = ZoneInfo(tz or settings.DEFAULT_USER_TIME_ZONE)
    start = datetime(year, month, 1, tzinfo=zone)
    last = calendar.monthrange(year, month)[1]
    end = datetime.combine(date(year, month, last), time.max, zone)
    account = LedgerAccount.objects.filter(kind=LedgerAccount.Kind.CUSTOMER, owner=user,
                                           currency=currency).first()
    if account is None:  # never used in this currency: nothing to show
        return Statement(currency, year, month, 0, 0)
    opening = balance_at(account, start, inclusive=False)
    statement = Statement(currency, year, month, opening, balance_at(account, end))
    postings = (Posting.objects.filter(Q(source=account) | Q(destination=account),
                                       created_at__gte=start, created_at__lte=end)
                .select_related("transaction__merchant", "transaction__customer",
                                "transaction__counterparty", "transaction__payment_method")
                .order_by("created_at", "pk"))
    for p in postings:
        signed = p.amount if p.destination_id == account.pk else -p.amount
        if signed > 0:
            statement.credits += signed
        else:
            statement.debits -= signed
        statement.lines.append(StatementLine(p.created_at, p.transaction, p.kind, signed))
    return statement
