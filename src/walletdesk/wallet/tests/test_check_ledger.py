"""`walletdesk check_ledger` passes on a healthy ledger and reports a tampered one."""

from __future__ import annotations

import contextlib
import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from walletdesk.wallet import services
from walletdesk.wallet.models import LedgerAccount

pytestmark = pytest.mark.money


def run() -> dict[str, Any]:
    out = StringIO()
    with contextlib.suppress(CommandError):
        call_command("check_ledger", stdout=out)
    return json.loads(out.getvalue())


def test_healthy_ledger_passes(customer: Any, merchant: Any, fund: Any) -> None:
    fund(customer, 10_000)
    pay = services.pay(customer, merchant=merchant, amount=2_500, currency="CNY", method="balance")
    services.refund(merchant, payment_id=pay.public_id, amount=1_000)
    report = run()
    assert report["ok"] is True and report["problems"] == []
    assert report["postings"] >= 3


def test_tampered_balance_is_reported(customer: Any, fund: Any) -> None:
    fund(customer, 10_000)
    # Someone edits a balance by hand, around the trigger.
    LedgerAccount.objects.filter(owner=customer).update(balance=99_999)
    report = run()
    assert report["ok"] is False
    assert any("balance 99999 != postings 10000" in p for p in report["problems"])
    assert any("add up to" in p for p in report["problems"])
    with pytest.raises(CommandError):
        call_command("check_ledger", stdout=StringIO())
