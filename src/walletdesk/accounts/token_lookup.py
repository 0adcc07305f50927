"""The bearer-token look-up as fixed SQL: ``services.token_for`` without per-call compiling.

Every API call looks its token up. Building ``ApiToken.objects.select_related("user")
.filter(...)`` through the ORM cost about two thirds of a balance read's CPU (issue #16).
Django compiles the same query once per database connection here, and each call only runs
it with the token's digest and the current time as parameters, turning the row into the
token and its user with the compiler's converters and ``Model.from_db``, as the ORM does.
Nothing is cached but the SQL: a revoked, expired or deactivated token is refused at once.
"""

from __future__ import annotations

import weakref
from datetime import UTC, datetime
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper

from .models import ApiToken, User

_DIGEST = "0" * 64
_WHEN = datetime(2001, 2, 3, 4, 5, 6, 7, tzinfo=UTC)
_compiled: weakref.WeakKeyDictionary[BaseDatabaseWrapper, tuple[Any, ...]] = (
    weakref.WeakKeyDictionary())


def _query(conn: BaseDatabaseWrapper) -> tuple[Any, ...]:
    found = _compiled.get(conn)
    if found is None:
        qs = ApiToken.objects.select_related("user").filter(
            key_hash=_DIGEST, revoked_at__isnull=True, expires_at__gt=_WHEN)[:1]
        compiler = qs.query.get_compiler(using=conn.alias)
        sql, params = compiler.as_sql()
        when = conn.ops.adapt_datetimefield_value(_WHEN)
        order = ["digest" if p == _DIGEST else "when" if p == when else p for p in params]
        if sorted(map(str, order)) != ["digest", "when"]:
            raise RuntimeError(f"unexpected token query parameters: {params}")
        columns = [col for col, _sql, _alias in compiler.select]
        split = sum(1 for col in columns if col.target.model is ApiToken)
        found = (sql, order, compiler, compiler.get_converters(columns),
                 [col.target.attname for col in columns], split)
        _compiled[conn] = found
    return found


def active_token(digest: str, now: datetime) -> ApiToken | None:
    """The unrevoked, unexpired token with this digest, its ``user`` loaded, or None."""
    conn = connections[DEFAULT_DB_ALIAS]
    sql, order, compiler, converters, attnames, split = _query(conn)
    values = {"digest": digest, "when": conn.ops.adapt_datetimefield_value(now)}
    with conn.cursor() as cursor:
        cursor.execute(sql, [values[name] for name in order])
        row = cursor.fetchone()
    if row is None:
        return None
    if converters:
        row = next(compiler.apply_converters([row], converters))
    token = ApiToken.from_db(conn.alias, attnames[:split], row[:split])
    token.user = User.from_db(conn.alias, attnames[split:], row[split:])
    return token
