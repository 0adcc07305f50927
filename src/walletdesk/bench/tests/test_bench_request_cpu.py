"""``walletdesk bench_request_cpu`` measures every path through the real application."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from walletdesk.bench.management.commands.bench_api import setup_customers
from walletdesk.wallet.models import Transaction


def test_every_path_answers_and_is_measured(db: Any, settings: Any) -> None:
    settings.DEBUG = False
    setup_customers(2, relax_risk=True)
    before = Transaction.objects.filter(type="transfer").count()
    out = io.StringIO()
    call_command("bench_request_cpu", requests=2, rounds=1, stdout=out)
    report = json.loads(out.getvalue())
    paths = {"healthz", "balance", "transfer", "history", "help", "help_page", "wallet_home",
             "history_page"}
    assert set(report["cpu_ms_per_request"]) == paths
    assert all(v > 0 for v in report["cpu_ms_per_request"].values())
    assert report["statements_per_request"]["healthz"] == 0
    assert report["statements_per_request"]["wallet_home"] <= 7
    # 3 warm-up calls, 2 measured and 10 counted transfers: each one booked for real.
    assert Transaction.objects.filter(type="transfer").count() == before + 15


def test_without_bench_customers_it_says_what_to_run(db: Any) -> None:
    with pytest.raises(CommandError, match="bench_api --setup-only"):
        call_command("bench_request_cpu", requests=1, rounds=1, stdout=io.StringIO())


@pytest.mark.postgres
def test_on_postgresql_it_reports_the_database_servers_cpu(db: Any, settings: Any) -> None:
    """The database's server processes run on this host in the PostgreSQL suite: their CPU per
    request is reported for every path (``/healthz`` reads nothing)."""
    settings.DEBUG = False
    setup_customers(2, relax_risk=True)
    out = io.StringIO()
    call_command("bench_request_cpu", requests=2, rounds=1, paths="healthz,transfer",
                 stdout=out)
    report = json.loads(out.getvalue())
    assert set(report["db_cpu_ms_per_request"]) == {"healthz", "transfer"}
    assert all(v >= 0 for v in report["db_cpu_ms_per_request"].values())
