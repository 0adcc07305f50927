"""Shared test helpers: ledger invariants, database snapshots, small factories."""

from __future__ import annotations

from typing import Any

from walletdesk.wallet import invariants
from walletdesk.wallet.models import (
    Hold,
    LedgerAccount,
    PaymentRequest,
    Posting,
    Transaction,
    TransactionEvent,
)
from walletdesk.wallet.services.cards import luhn_ok

CARDS = {
    "declined": "6222021234560200002",
    "expired_card": "6222021234560200069",
    "late": "6222021234560200077",
    "quick": "6222021234560200119",
}


def card_ending(last4: str, serial: int = 1) -> str:
    """A Luhn-valid UnionPay number ending in ``last4`` (so the simulator's outcome of
    ``CARDS``), one per ``serial``: a customer links a number once (ADR 0129), so a further card
    with the same outcome is a new number."""
    return next(n for d in range(10) if luhn_ok(n := f"622202{serial:08d}{d}{last4}"))


def ledger_problems() -> list[str]:
    """Every broken ledger invariant, as text (empty when the ledger is sound)."""
    return invariants.problems()


def assert_ledger_ok() -> None:
    problems = ledger_problems()
    assert not problems, "\n".join(problems)


def snapshot() -> dict[str, Any]:
    """Everything a money operation may change (for 'a refused call changed nothing')."""
    return {
        "accounts": list(LedgerAccount.objects.order_by("pk").values_list(
            "pk", "balance", "pending_out", "pending_in")),
        "postings": list(Posting.objects.order_by("pk").values_list("pk", flat=True)),
        "transactions": list(Transaction.objects.order_by("pk").values_list(
            "pk", "status", "refunded_amount")),
        "holds": list(Hold.objects.order_by("pk").values_list("pk", "status")),
        "events": TransactionEvent.objects.count(),
        "requests": list(PaymentRequest.objects.order_by("pk").values_list("pk", "status")),
    }


def balance_of(user: Any, currency: str = "CNY") -> int:
    a = LedgerAccount.objects.filter(kind="customer", owner=user, currency=currency).first()
    return a.balance if a else 0


def available_of(user: Any, currency: str = "CNY") -> int:
    a = LedgerAccount.objects.filter(kind="customer", owner=user, currency=currency).first()
    return a.available if a else 0


def merchant_balance(merchant: Any, currency: str = "CNY") -> int:
    a = LedgerAccount.objects.filter(kind="merchant", merchant=merchant, currency=currency).first()
    return a.balance if a else 0


def wipe_database() -> None:
    """Empty every table (between state-machine examples), append-only postings included.

    PostgreSQL truncates (no row trigger fires); on SQLite the append-only
    DELETE trigger is set aside for the wipe and put back.
    """
    import importlib

    from django.db import connection

    tables = connection.introspection.django_table_names(only_existing=True,
                                                         include_views=False)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("TRUNCATE {} RESTART IDENTITY CASCADE".format(
                ", ".join(connection.ops.quote_name(t) for t in tables)))
            return
        triggers = importlib.import_module("walletdesk.wallet.migrations.0002_ledger_triggers")
        cursor.execute("PRAGMA foreign_keys=OFF")
        cursor.execute("DROP TRIGGER IF EXISTS wallet_posting_no_delete")
        for table in tables:
            if table != "django_migrations":
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")
        cursor.execute(triggers.SQLITE_FORWARD[2])
        cursor.execute("PRAGMA foreign_keys=ON")
