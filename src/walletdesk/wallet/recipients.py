"""Who a transfer goes to: ``accounts.services.find_user_by_login`` without per-call compiling.

The lookup runs on every transfer. Django compiles its query once per database
connection (the same filter, ordering and limit as ``find_user_by_login``: a
case-insensitive e-mail match, or the exact phone number), with the converters
that turn the row into field values; each call only runs the SQL with the
normalised login as its parameter, prepared by the database backend exactly as
the ORM would (``prep_for_iexact_query``), and builds the user with
``Model.from_db`` as the ORM does. ``test_hot_path`` compares the two
answers (ADR 0005).
"""

from __future__ import annotations

import weakref
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper

from walletdesk.accounts.models import User
from walletdesk.accounts.services import normalize_login

# Per connection (each thread has its own): lookup -> (SQL, compiler, converters, attnames).
_compiled: weakref.WeakKeyDictionary[BaseDatabaseWrapper, dict[str, tuple[Any, ...]]] = (
    weakref.WeakKeyDictionary())


def _query(conn: BaseDatabaseWrapper, lookup: str) -> tuple[Any, ...]:
    mine = _compiled.setdefault(conn, {})
    if lookup not in mine:
        compiler = User.objects.filter(**{lookup: "?"}).order_by("pk")[:1].query.get_compiler(
            using=conn.alias)
        sql, _params = compiler.as_sql()
        columns = [col for col, _sql, _alias in compiler.select]
        mine[lookup] = (sql, compiler, compiler.get_converters(columns),
                        [col.target.attname for col in columns])
    return mine[lookup]


def find_user_by_login(raw: str) -> User | None:
    login = normalize_login(raw)
    if not login:
        return None
    conn = connections[DEFAULT_DB_ALIAS]
    if "@" in login:
        lookup, param = "email__iexact", conn.ops.prep_for_iexact_query(login)
    else:
        lookup, param = "phone", login
    sql, compiler, converters, attnames = _query(conn, lookup)
    with conn.cursor() as cursor:
        cursor.execute(sql, [param])
        row = cursor.fetchone()
    if row is None:
        return None
    if converters:
        row = next(compiler.apply_converters([row], converters))
    return User.from_db(conn.alias, attnames, row)
