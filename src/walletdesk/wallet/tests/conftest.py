"""Fixtures of the wallet tests."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection

TRIGGERS = importlib.import_module("walletdesk.wallet.migrations.0002_ledger_triggers")


@pytest.fixture
def ledger_db(transactional_db: Any) -> Iterator[None]:
    """``transactional_db`` for a ledger whose postings refuse DELETE.

    Between tests Django flushes the tables: PostgreSQL truncates (no row
    trigger fires), SQLite deletes row by row, which the append-only trigger
    refuses. On SQLite the postings are removed here with the trigger set
    aside for that one statement (and put back), so the flush finds none.
    """
    yield
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("DROP TRIGGER IF EXISTS wallet_posting_no_delete")
            cursor.execute("DELETE FROM wallet_posting")
            cursor.execute(TRIGGERS.SQLITE_FORWARD[2])


@pytest.fixture(autouse=True)
def _fresh_risk_rules() -> Iterator[None]:
    """The risk rules are cached per process for a few seconds (ADR 0046): no test's rows
    may outlive it."""
    from walletdesk.risk.services import forget_rules

    forget_rules()
    yield
    forget_rules()
