"""Backups taken while a real server writes restore into databases that pass check_ledger."""

from __future__ import annotations

import sqlite3
import subprocess
import threading
import time
from pathlib import Path

import pytest

from walletdesk.bench.management.commands.bench_api import EMAIL

from . import faultkit as fk

dbs = pytest.fixture(scope="module")(fk.dbs)
template = pytest.fixture(scope="module")(fk.template)
fresh = pytest.fixture(fk.fresh)


class Writer(threading.Thread):
    """Transfers back and forth through the API until stopped."""

    def __init__(self, url: str) -> None:
        super().__init__(daemon=True)
        self.url, self.stop, self.done = url, threading.Event(), 0

    def run(self) -> None:
        a, b = fk.login(self.url, EMAIL.format(0)), fk.login(self.url, EMAIL.format(1))
        n = 0
        while not self.stop.is_set():
            sender, to = (a, EMAIL.format(1)) if n % 2 else (b, EMAIL.format(0))
            status, body = sender.call("POST", "/api/v1/wallet/transfers",
                                       {"to": to, "amount": 100 + n, "currency": "CNY"},
                                       {"Idempotency-Key": fk.new_key()})
            assert status == 201, body
            self.done += 1
            n += 1


def _backup_while_writing(env: dict[str, str], var: Path, target: Path) -> int:
    server = fk.Server(env, var)
    writer = Writer(server.url)
    try:
        server.wait_ready()
        writer.start()
        while writer.done < 10:
            time.sleep(0.05)
        fk.cli(env, "backup", "--to", str(target))
        time.sleep(0.3)
    finally:
        writer.stop.set()
        writer.join(10)
        server.stop()
    return writer.done


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_sqlite_online_backup_while_the_server_writes(tmp_path: Path) -> None:
    live = tmp_path / "live.sqlite3"
    env = fk.child_env(tmp_path, f"sqlite:///{live}")
    fk.cli(env, "migrate", "--noinput", "-v0")
    fk.cli(env, "bench_api", "--setup-only", "--users", "2", "--relax-risk")
    copy = tmp_path / "backup.sqlite3"
    written = _backup_while_writing(env, tmp_path, copy)
    with sqlite3.connect(copy) as conn:
        in_copy = conn.execute("SELECT count(*) FROM wallet_transaction WHERE type = 'transfer'"
                               ).fetchone()[0]
    assert 10 <= in_copy <= written
    report = fk.ledger_report({**env, "WALLETDESK_DATABASE_URL": f"sqlite:///{copy}"})
    assert report["ok"] and report["exit_code"] == 0, report["problems"]
    assert report["transactions"] >= in_copy
    with pytest.raises(RuntimeError, match="refusing to overwrite"):
        fk.cli(env, "backup", "--to", str(copy))


@pytest.mark.postgres
@pytest.mark.timeout(300)
def test_pg_dump_restore_passes_check_ledger(fresh: tuple[str, Path], dbs: fk.Databases) -> None:
    db_url, var = fresh
    env = fk.child_env(var, db_url)
    dump = var / "walletdesk.dump"
    assert fk.cli(env, "backup", "--print", "--to", str(dump)).startswith("pg_dump --format=custom")
    _backup_while_writing(env, var, dump)
    restored = dbs.create()
    subprocess.run(["pg_restore", "--no-owner", "--exit-on-error", "-d",
                    restored.replace("postgres://", "postgresql://", 1), str(dump)],
                   check=True, timeout=120)
    report = fk.ledger_report({**env, "WALLETDESK_DATABASE_URL": restored})
    assert report["ok"] and report["exit_code"] == 0, report["problems"]
    assert report["transactions"] >= fk.TEMPLATE_USERS + 10
