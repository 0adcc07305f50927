"""Fault tests: real server and worker processes on PostgreSQL, killed and restarted.

* a server process is SIGKILLed in the middle of a stream of transfers; every
  unacknowledged request is retried with its Idempotency-Key: no money lost or
  created, one transaction per key;
* a private PostgreSQL restarts under load, a private Redis dies and comes
  back: the service answers typed 503s for a moment, then recovers by itself;
* a worker holding a real job (the network submit of a top-up) is SIGKILLed:
  another worker finishes it once its lease runs out, and three workers
  together never run one job twice.

Hook for live chat (issue 5): ``test_server_killed_mid_stream`` is where a
"no chat message lost" stream joins the transfer stream.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from walletdesk.core.management.commands.bench_api import EMAIL, START_BALANCE

from . import faultkit as fk

pytestmark = [pytest.mark.postgres, pytest.mark.timeout(240)]
USERS = 4


@pytest.fixture(scope="module")
def dbs() -> Iterator[fk.Databases]:
    dbs = fk.Databases()
    yield dbs
    dbs.drop_all()


@pytest.fixture(scope="module")
def template(dbs: fk.Databases, tmp_path_factory: pytest.TempPathFactory) -> str:
    return fk.build_template(dbs, tmp_path_factory.mktemp("tpl"), USERS)


@pytest.fixture
def fresh(dbs: fk.Databases, template: str, tmp_path: Path) -> tuple[str, Path]:
    """A database copied from the template, and a var dir, for one test."""
    return dbs.create(template=template), tmp_path


# --- a stream of transfers that retries like a careful client ------------------------------

class Stream:
    """Transfers between the bench customers; every request keeps its key until acknowledged."""

    def __init__(self, urls: list[str]) -> None:
        self.urls = urls
        self.acked: dict[str, dict[str, Any]] = {}  # key -> the 201 body
        self.pending: dict[str, tuple[int, dict[str, Any]]] = {}  # key -> (sender, body)
        self.failures: dict[str, int] = {}  # what went wrong on the way, by status/code
        self.senders: dict[str, int] = {}
        self.recipients: dict[str, str] = {}
        self.lock = threading.Lock()

    def _note(self, status: int, body: Any) -> None:
        code = body.get("code", "") if isinstance(body, dict) else ""
        with self.lock:
            self.failures[f"{status}:{code}"] = self.failures.get(f"{status}:{code}", 0) + 1

    def send(self, client: fk.Client, sender: int, key: str, body: dict[str, Any]) -> bool:
        with self.lock:
            self.senders[key], self.recipients[key] = sender, body["to"]
        status, answer = client.call("POST", "/api/v1/wallet/transfers", body,
                                     {"Idempotency-Key": key})
        if status == 201:
            with self.lock:
                self.acked[key] = answer
                self.pending.pop(key, None)
            return True
        # 0 = no answer (the process died), 409 = the key is still leased by a dead
        # request, 503 = a dependency is restarting: all retried with the same key.
        assert status in (0, 409, 502, 503), (status, answer)
        self._note(status, answer)
        with self.lock:
            self.pending[key] = (sender, body)
        return False

    def run_user(self, sender: int, count: int, pause: float = 0.0) -> None:
        clients = [fk.login(url, EMAIL.format(sender)) for url in self.urls]
        for n in range(count):
            body = {"to": EMAIL.format((sender + 1 + n % (USERS - 1)) % USERS),
                    "amount": 100 + sender * 10 + n, "currency": "CNY"}
            self.send(clients[n % len(clients)], sender, fk.new_key(), body)
            time.sleep(pause)
        for c in clients:
            c.close()

    def retry_pending(self, timeout: float = 40) -> None:
        deadline = time.monotonic() + timeout
        clients: dict[int, fk.Client] = {}
        while self.pending and time.monotonic() < deadline:
            for key, (sender, body) in list(self.pending.items()):
                if sender not in clients:
                    try:
                        clients[sender] = fk.login(self.urls[-1], EMAIL.format(sender))
                    except AssertionError:
                        break
                if not self.send(clients[sender], sender, key, body):
                    clients.pop(sender).close()
            time.sleep(0.5)
        assert not self.pending, f"still unacknowledged after retries: {len(self.pending)}"


def check_money(url: str, db_url: str, env: dict[str, str], stream: Stream) -> None:
    """Each key is exactly one transfer; balances are what the acknowledgements say."""
    rows = fk.query(db_url, "SELECT key, state, response_status, response_body->>'id' "
                            "FROM wallet_idempotencyrecord")
    records = {r[0]: r for r in rows}
    ids = set()
    for key, answer in stream.acked.items():
        _, state, status, txn_id = records[key]
        assert (state, status, txn_id) == ("done", 201, answer["id"])
        ids.add(txn_id)
    assert len(ids) == len(stream.acked), "two keys share a transaction"
    transfers = {r[0] for r in fk.query(db_url, "SELECT public_id FROM wallet_transaction "
                                                "WHERE type = 'transfer'")}
    assert transfers == ids, "a transfer without an acknowledged key, or the reverse"
    expected = {EMAIL.format(i): START_BALANCE for i in range(USERS)}
    for key, answer in stream.acked.items():
        expected[EMAIL.format(stream.senders[key])] -= answer["amount"] + answer["fee"]
        expected[stream.recipients[key]] += answer["amount"]
    fees = sum(a["fee"] for a in stream.acked.values())
    assert sum(expected.values()) + fees == USERS * START_BALANCE
    for i in range(USERS):
        client = fk.login(url, EMAIL.format(i))
        status, wallets = client.call("GET", "/api/v1/wallet")
        client.close()
        assert status == 200
        cny = next(w for w in wallets if w["currency"] == "CNY")
        assert cny["balance"] == expected[EMAIL.format(i)], EMAIL.format(i)
    report = fk.ledger_report(env)
    assert report["ok"] and report["exit_code"] == 0, report["problems"]


# --- (a) a server process is killed in the middle of the stream ------------------------------

def test_server_killed_mid_stream_loses_no_money(fresh: tuple[str, Path]) -> None:
    db_url, var = fresh
    env = fk.child_env(var, db_url)
    victim, survivor = fk.Server(env, var, workers=2), fk.Server(env, var, workers=1)
    restarted: list[fk.Server] = []
    try:
        victim.wait_ready()
        survivor.wait_ready()
        assert len(victim.children()) == 2, "serve --workers 2 runs two processes"
        stream = Stream([victim.url, survivor.url])
        threads = [threading.Thread(target=stream.run_user, args=(i, 25, 0.02)) for i in range(USERS)]
        for t in threads:
            t.start()
        while len(stream.acked) < 20:
            time.sleep(0.02)
        victim.kill()  # SIGKILL the whole server: supervisor and both worker processes
        victim.popen.wait(10)
        time.sleep(0.5)
        again = fk.Server(env, var, workers=2, port=victim.port)
        restarted.append(again)
        again.wait_ready()
        for t in threads:
            t.join(60)
        stream.retry_pending()
        assert len(stream.acked) == USERS * 25
        assert stream.failures, "the kill should have cut some requests"
        check_money(survivor.url, db_url, env, stream)
    finally:
        for p in (victim, survivor, *restarted):
            p.stop()
