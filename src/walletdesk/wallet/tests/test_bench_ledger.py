"""``walletdesk bench_ledger`` runs for real: its clients book transfers and the ledger holds.

Run as a child process, as a person runs it: the command makes its own scratch database,
books transfers from every client for a second and checks the ledger's invariants.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from walletdesk.core.tests import faultkit as fk


def bench(tmp_path: Path, database_url: str, *args: str) -> dict[str, object]:
    env = fk.child_env(tmp_path, database_url)
    out = fk.cli(env, "bench_ledger", "--seconds", "1", *args, timeout=180)
    report: dict[str, object] = json.loads(out.strip().splitlines()[-1])
    return report


def test_threads_on_sqlite(tmp_path: Path) -> None:
    report = bench(tmp_path, f"sqlite:///{tmp_path / 'main.sqlite3'}", "--clients", "2")
    assert report["database"] == "sqlite" and report["errors"] == 0, report["error_kinds"]
    assert isinstance(report["transfers"], int) and report["transfers"] > 0
    assert report["invariants_ok"] is True


@pytest.mark.postgres
def test_forked_clients_on_postgresql(tmp_path: Path) -> None:
    """Each forked client opens its own pool: none inherits the parent's connections (they
    shared sockets, and every transfer failed with psycopg's TypeError or ValueError)."""
    report = bench(tmp_path, fk.SHARED_PG, "--clients", "2", "--workers", "processes")
    assert report["database"] == "postgresql" and report["errors"] == 0, report["error_kinds"]
    assert isinstance(report["transfers"], int) and report["transfers"] > 0
    assert report["invariants_ok"] is True
