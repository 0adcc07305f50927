"""The only place in accounts that takes row locks.

A guess of a secret is checked and counted while its guard row is locked, so parallel
guesses take turns: the lock state read after taking the lock is the truth (SQLite has no row
locks; its IMMEDIATE transactions already let one writer in at a time).
"""

from __future__ import annotations

from django.db import IntegrityError, transaction

from .models import FactorGuard, LoginGuard, User

PASSWORD = "password"


def guard(user: User, factor: str) -> LoginGuard | FactorGuard:
    """The user's guard row for one factor, created if missing, locked until the surrounding
    transaction ends. Call inside transaction.atomic()."""
    model: type[LoginGuard] | type[FactorGuard]
    match: dict[str, object]
    if factor == PASSWORD:
        model, match = LoginGuard, {"user": user}
    else:
        model, match = FactorGuard, {"user": user, "factor": factor}
    row = model.objects.select_for_update().filter(**match).first()
    if row is not None:
        return row
    try:
        with transaction.atomic():
            model.objects.create(**match)
    except IntegrityError:
        pass  # a parallel first try created it; the select below waits for its lock
    return model.objects.select_for_update().get(**match)


def user_row(user_id: int) -> None:
    """The user's own row, locked until the surrounding transaction ends (one code sender at
    a time per user). Call inside transaction.atomic()."""
    User.objects.select_for_update().filter(pk=user_id).values_list("pk").first()


def nobody() -> None:
    """The same lookup for a login that matches no account (timing)."""
    LoginGuard.objects.select_for_update().filter(user_id=0).first()
