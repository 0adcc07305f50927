"""The diagnoses only read: no INSERT, UPDATE or DELETE while any of them runs."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from walletdesk.accounts.services import lockout
from walletdesk.accounts.tests.fixtures import run_jobs
from walletdesk.troubleshoot import services
from walletdesk.wallet import services as wallet
from walletdesk.wallet.services import cards

from .conftest import card_ending

pytestmark = [pytest.mark.django_db]
WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


def test_no_diagnosis_writes(customer, fund, merchant, fee_schedule):
    cards.link_card(customer, kind="credit_card", number=card_ending("0077", "625809"))
    fund(customer, 100_000)
    pending = wallet.top_up(customer, amount=5_000, currency="CNY", method="credit_card")
    run_jobs()
    paid = wallet.pay(customer, merchant=merchant, amount=1_000, currency="CNY", method="balance")
    for _ in range(12):
        lockout.register_failure(customer)
    with CaptureQueriesContext(connection) as ctx:
        services.diagnose(customer, "lock")
        for problem in ("payment", "refund", "fee"):
            for txn in (pending, paid):
                services.diagnose(customer, problem, txn.public_id)
    writes = [q["sql"] for q in ctx.captured_queries
              if q["sql"].lstrip().upper().startswith(WRITES)]
    assert writes == []
    assert len(ctx.captured_queries) <= 40  # 19 measured for these seven diagnoses
