"""Who a transfer goes to: ``accounts.services.find_user_by_login`` without per-call compiling.

The lookup runs on every transfer. Django compiles its query once per database
connection (the same filter, ordering and limit as ``find_user_by_login``: a
case-insensitive e-mail match, or the exact phone number), with the converters
that turn the row into field values; each call only runs the SQL with the
normalised login as its parameter, prepared by the database backend exactly as
the ORM would (``prep_for_iexact_query``), and builds the user with
``Model.from_db`` as the ORM does. The same statement reads the sender's
active hold for the risk check (``risk.services.HOLD_SQL``) and the sender's
available balance in the transfer's currency (so that an unaffordable transfer
is refused as such whoever the recipient is, ADR 0047): a transfer spends one
round trip on all three. ``test_hot_path`` compares the answers with
``find_user_by_login`` and ``holds.active`` (ADR 0005).
"""

from __future__ import annotations

import weakref
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import QuerySet, Value
from django.db.models.functions import Upper

from walletdesk.accounts.models import User
from walletdesk.accounts.services import normalize_login
from walletdesk.core import clock
from walletdesk.risk.services import HOLD_SQL, counters

# Per connection (each thread has its own): lookup -> (SQL, compiler, converters, attnames).
_compiled: weakref.WeakKeyDictionary[BaseDatabaseWrapper, dict[str, tuple[Any, ...]]] = (
    weakref.WeakKeyDictionary())


def _recipients(conn: BaseDatabaseWrapper, lookup: str) -> QuerySet[User]:
    if lookup == "email_upper":
        # SQLite's iexact is `email LIKE %s ESCAPE '\'`, which no index serves: a scan of every
        # user on each transfer. UPPER(email) = UPPER(%s) matches the same rows (SQLite's LIKE
        # and UPPER both fold ASCII letters only; there are no wildcards to escape) and
        # uses the user_email_upper index that PostgreSQL's iexact already uses.
        return User.objects.alias(email_upper=Upper("email")).filter(
            email_upper=Upper(Value("?")))
    return User.objects.filter(**{lookup: "?"})


def _query(conn: BaseDatabaseWrapper, lookup: str, locked: bool) -> tuple[Any, ...]:
    mine = _compiled.setdefault(conn, {})
    key = f"{lookup}:locked" if locked else lookup
    if key not in mine:
        compiler = _recipients(conn, lookup).order_by("pk")[:1].query.get_compiler(
            using=conn.alias)
        sql, _params = compiler.as_sql()
        columns = [col for col, _sql, _alias in compiler.select]
        # One statement, one round trip: the sender's active hold (risk's own SQL) beside
        # the recipient's row, or beside NULLs when there is no such recipient; ``locked``
        # (PostgreSQL) first takes the sender's risk counter row with risk's own upsert.
        first = ("WITH counter AS (" + counters.UPSERT_SQL + ") SELECT counter.*, "
                 if locked else "SELECT ")
        source = "counter" if locked else "(SELECT 1) AS one"
        both = (f"{first}({HOLD_SQL}) AS sender_hold, ({AVAILABLE_SQL}) AS sender_available, "
                f"recipient.* FROM {source} LEFT JOIN ({sql}) AS recipient ON 1 = 1")
        mine[key] = (both, compiler, compiler.get_converters(columns),
                     [col.target.attname for col in columns])
    return mine[key]


AVAILABLE_SQL = ("SELECT balance - pending_out FROM wallet_ledgeraccount WHERE kind = 'customer' "
                 "AND owner_id = %s AND currency = %s")


def find_for_transfer(sender: User, raw: str, currency: str, *, lock_counter: bool = False,
                      ) -> tuple[str | None, int | None, User | None, counters.Totals | None]:
    """The sender's active hold kind (``risk.services.active_hold_kind``), available balance in
    ``currency`` (None: no account yet) and the recipient (``find_user_by_login``), read
    together in one statement.

    ``lock_counter``: the same statement first takes the sender's risk counter row for
    ``currency`` with ``counters.lock``'s own upsert (held until the caller's transaction
    ends, ADR 0046) and returns its totals; PostgreSQL only (SQLite has no INSERT in a
    ``WITH``), elsewhere the totals are None and the caller locks as before (ADR 0118)."""
    login = normalize_login(raw)
    conn = connections[DEFAULT_DB_ALIAS]
    locked = lock_counter and conn.vendor == "postgresql"
    param: str | None
    if "@" in login and conn.vendor == "sqlite":
        lookup, param = "email_upper", login
    elif "@" in login:
        lookup, param = "email__iexact", conn.ops.prep_for_iexact_query(login)
    else:
        lookup, param = "phone", login or None  # no login: matches nobody
    sql, compiler, converters, attnames = _query(conn, lookup, locked)
    now = clock.now()
    values = [sender.pk, conn.ops.adapt_datetimefield_value(now), sender.pk, currency, param]
    if locked:
        values[:0] = counters.params(sender.pk, currency, sender.time_zone, 0, 0, at=now)
    with conn.cursor() as cursor:
        cursor.execute(sql, values)
        row = cursor.fetchone()
    totals = counters.Totals(*row[:COUNTER_COLUMNS]) if locked else None
    hold, available, *row = row[COUNTER_COLUMNS:] if locked else row
    if row[0] is None:  # the primary key: no recipient
        return hold, available, None, totals
    if converters:
        row = next(compiler.apply_converters([row], converters))
    return hold, available, User.from_db(conn.alias, attnames, row), totals


COUNTER_COLUMNS = 5  # what counters.UPSERT_SQL returns: the fields of counters.Totals


LOCKED_STATE_SQL = (f"WITH counter AS ({counters.UPSERT_SQL}) "  # noqa: S608 (fixed statements, no input)
                    f"SELECT counter.*, ({HOLD_SQL}), ({AVAILABLE_SQL}) FROM counter")


def sender_state(sender: User, currency: str, *, lock_counter: bool = False,
                 ) -> tuple[str | None, int | None, counters.Totals | None]:
    """The sender's active hold kind and available balance in ``currency``, in one statement
    (a payment has no recipient to read beside them); ``lock_counter`` as for
    ``find_for_transfer``."""
    now = clock.now()
    values = [sender.pk, connection.ops.adapt_datetimefield_value(now), sender.pk, currency]
    if lock_counter and connection.vendor == "postgresql":
        values[:0] = counters.params(sender.pk, currency, sender.time_zone, 0, 0, at=now)
        with connection.cursor() as cursor:
            cursor.execute(LOCKED_STATE_SQL, values)
            row = cursor.fetchone()
        return row[COUNTER_COLUMNS], row[COUNTER_COLUMNS + 1], counters.Totals(
            *row[:COUNTER_COLUMNS])
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT ({HOLD_SQL}), ({AVAILABLE_SQL})", values)
        hold, available = cursor.fetchone()
    return hold, available, None


def find_recipient(sender: User, raw: str) -> tuple[str | None, User | None]:
    """The sender's active hold kind and the recipient, read together."""
    hold, _available, user, _totals = find_for_transfer(sender, raw, "")
    return hold, user


def find_user_by_login(raw: str) -> User | None:
    return find_recipient(User(pk=0), raw)[1]
