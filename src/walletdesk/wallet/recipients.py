"""Who a transfer goes to: ``accounts.services.find_user_by_login`` without per-call compiling.

The lookup runs on every transfer. Django builds its SQL once per process (the
same filter, ordering and limit as ``find_user_by_login``: a case-insensitive
e-mail match, or the exact phone number), and each call only runs it with the
normalised login as its parameter, prepared by the database backend exactly as
the ORM would (``prep_for_iexact_query``). ``test_hot_path`` compares the two
answers (ADR 0005).
"""

from __future__ import annotations

from django.db import connection

from walletdesk.accounts.models import User
from walletdesk.accounts.services import normalize_login

_sql: dict[tuple[str, str], str] = {}


def _compiled(lookup: str) -> str:
    key = (connection.vendor, lookup)
    sql = _sql.get(key)
    if sql is None:
        query = User.objects.filter(**{lookup: "?"}).order_by("pk")[:1].query
        sql = _sql[key] = query.sql_with_params()[0]
    return sql


def find_user_by_login(raw: str) -> User | None:
    login = normalize_login(raw)
    if not login:
        return None
    if "@" in login:
        sql, param = _compiled("email__iexact"), connection.ops.prep_for_iexact_query(login)
    else:
        sql, param = _compiled("phone"), login
    return next(iter(User.objects.raw(sql, [param])), None)
