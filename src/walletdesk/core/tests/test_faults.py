"""Fault tests: real server and worker processes on PostgreSQL, killed and restarted.

* a server process is SIGKILLed in the middle of a stream of transfers; every
  unacknowledged request is retried with its Idempotency-Key: no money lost or
  created, one transaction per key;
* a private PostgreSQL restarts under load, a private Redis dies and comes
  back: the service answers typed 503s for a moment, then recovers by itself
  (with two ASGI processes: the Redis rate limit and the database lockout
  counters hold across both);
* a worker holding a real job (the network submit of a top-up) is SIGKILLed:
  another worker finishes it once its lease runs out, and three workers
  together never run one job twice.

Live chat has its own kill test in ``test_chat_faults.py`` (same harness).
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from walletdesk.bench.management.commands.bench_api import EMAIL, START_BALANCE

from . import faultkit as fk

pytestmark = [pytest.mark.postgres, pytest.mark.timeout(240)]
USERS = fk.TEMPLATE_USERS
EXTRA = 3  # requests sent on purpose while the server is dead
dbs = pytest.fixture(scope="module")(fk.dbs)
template = pytest.fixture(scope="module")(fk.template)
fresh = pytest.fixture(fk.fresh)


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
        self.unexpected: list[tuple[int, Any]] = []
        self.lock = threading.Lock()
        self.clients: dict[int, list[fk.Client]] = {}

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
        # Anything else is a failure of the test, reported at the end.
        if status not in (0, 409, 502, 503):
            with self.lock:
                self.unexpected.append((status, answer))
        self._note(status, answer)
        with self.lock:
            self.pending[key] = (sender, body)
        return False

    def sign_in(self) -> None:
        """Every customer signs in on every server before the stream starts.

        A thread that signed in on its own might still be doing so when the test
        kills a process, and die on the refused connection with its transfers unsent.
        """
        self.clients = {i: [fk.login(url, EMAIL.format(i)) for url in self.urls]
                        for i in range(USERS)}

    def run_user(self, sender: int, count: int, pause: float = 0.0) -> None:
        clients = self.clients[sender]
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
        assert not self.unexpected, self.unexpected[:5]
        assert not self.pending, f"still unacknowledged after retries: {len(self.pending)}"


def wait_for(stream: Stream, acked: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while len(stream.acked) < acked:
        assert time.monotonic() < deadline, (len(stream.acked), stream.failures, stream.unexpected)
        time.sleep(0.02)


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
        stream.sign_in()
        threads = [threading.Thread(target=stream.run_user, args=(i, 25, 0.02)) for i in range(USERS)]
        for t in threads:
            t.start()
        wait_for(stream, 15)
        # One ASGI process dies: uvicorn's supervisor starts another in its place.
        first_children = victim.children()
        os.kill(first_children[0], signal.SIGKILL)
        deadline = time.monotonic() + 30
        while len(set(victim.children()) - set(first_children)) < 1:
            assert time.monotonic() < deadline, "no replacement for the killed process"
            time.sleep(0.1)
        wait_for(stream, 50)
        victim.kill()  # then SIGKILL the whole server: supervisor and both worker processes
        victim.popen.wait(10)
        # Whatever the timing of the threads, some requests meet the dead server: these
        # three get no answer and must be retried with their keys like any other.
        dead = fk.Client(victim.url, timeout=2)
        dead.token = fk.login(survivor.url, EMAIL.format(0)).token
        for n in range(EXTRA):
            body = {"to": EMAIL.format(1), "amount": 7 + n, "currency": "CNY"}
            assert not stream.send(dead, 0, fk.new_key(), body)
        time.sleep(0.5)
        again = fk.Server(env, var, workers=2, port=victim.port)
        restarted.append(again)
        again.wait_ready()
        for t in threads:
            t.join(60)
        stream.retry_pending()
        assert len(stream.acked) == USERS * 25 + EXTRA
        assert stream.failures, "the kill should have cut some requests"
        check_money(survivor.url, db_url, env, stream)
    finally:
        for p in (victim, survivor, *restarted):
            p.stop()


# --- (b) PostgreSQL restarts under load ------------------------------------------------------

@pytest.fixture
def private_pg(template: str, tmp_path: Path) -> Iterator[fk.PrivatePostgres]:
    pg = fk.PrivatePostgres()
    try:
        pg.start()
        fk.copy_database(fk.with_db(fk.SHARED_PG, template), pg.url, "walletdesk", tmp_path)
        yield pg
    finally:
        pg.cleanup()


def test_postgres_restart_under_load_recovers_by_itself(private_pg: fk.PrivatePostgres,
                                                        tmp_path: Path) -> None:
    db_url = fk.with_db(private_pg.url, "walletdesk")
    env = fk.child_env(tmp_path, db_url)
    server = fk.Server(env, tmp_path)
    try:
        server.wait_ready()
        stream = Stream([server.url])
        stream.sign_in()
        threads = [threading.Thread(target=stream.run_user, args=(i, 30, 0.1)) for i in range(USERS)]
        for t in threads:
            t.start()
        wait_for(stream, 12)
        private_pg.stop("fast")  # every connection of the server is cut
        probe = fk.Client(server.url, timeout=5)
        status, body = probe.call("GET", "/readyz")
        assert status == 503 and body["checks"]["database"].startswith("error"), body
        time.sleep(1.5)
        private_pg.start()
        deadline = time.monotonic() + 20
        while probe.call("GET", "/readyz")[0] != 200:
            assert time.monotonic() < deadline, "not ready again after the restart"
            time.sleep(0.2)
        for t in threads:
            t.join(90)
        stream.retry_pending()
        assert any(k.startswith("503:service_unavailable") for k in stream.failures), stream.failures
        assert not any(k.startswith("500") for k in stream.failures), stream.failures
        assert len(stream.acked) == USERS * 30
        check_money(server.url, db_url, env, stream)
    finally:
        server.stop()


# --- (b) Redis dies and comes back -----------------------------------------------------------

def test_redis_outage_gives_typed_503_and_recovers(fresh: tuple[str, Path]) -> None:
    db_url, var = fresh
    redis = fk.PrivateRedis()
    redis.start()
    env = fk.child_env(var, db_url, redis.url)
    server = fk.Server(env, var, workers=2)
    try:
        server.wait_ready(path="/readyz")
        assert len(server.children()) == 2
        # The verify limit (30 a minute) is counted in Redis: it holds across both processes.
        verify = "/api/v1/contact/verify?value=95588"
        for _attempt in range(3):
            window = int(time.time() // 60)
            statuses = []
            for _ in range(40):
                c = fk.Client(server.url)  # a new connection each time: either process answers
                statuses.append(c.call("GET", verify)[0])
                c.close()
            if int(time.time() // 60) == window:
                break
            redis.kill()  # the window turned mid-way: start again from empty counters
            redis.start()
        assert statuses.count(200) == 30 and statuses.count(429) == 10, statuses
        # Login failures are counted in the database: five wrong passwords spread over
        # both processes lock the account for the right password too.
        victim = EMAIL.format(USERS - 1)
        for _ in range(5):
            c = fk.Client(server.url)
            assert c.call("POST", "/api/v1/auth/login",
                          {"login": victim, "password": "wrong password 123"})[0] == 401
            c.close()
        c = fk.Client(server.url)
        status, body = c.call("POST", "/api/v1/auth/login",
                              {"login": victim, "password": fk.PASSWORD})
        assert (status, body["code"]) == (401, "invalid_credentials"), body
        c.close()

        redis.kill()
        user = fk.login(server.url, EMAIL.format(0))
        status, body = user.call("GET", "/readyz")
        assert status == 503 and body["checks"]["redis"].startswith("error"), body
        assert body["checks"]["database"] == "ok"
        status, body = user.call("GET", verify)
        assert (status, body["code"]) == (503, "service_unavailable")
        # Money does not depend on Redis.
        status, body = user.call("POST", "/api/v1/wallet/transfers",
                                 {"to": EMAIL.format(1), "amount": 100, "currency": "CNY"},
                                 {"Idempotency-Key": fk.new_key()})
        assert status == 201, body

        redis.start()
        deadline = time.monotonic() + 15
        while user.call("GET", "/readyz")[0] != 200:
            assert time.monotonic() < deadline, "not ready again after Redis came back"
            time.sleep(0.2)
        for _ in range(3):  # both processes reconnect
            c = fk.Client(server.url)
            assert c.call("GET", verify)[0] == 200
            c.close()
        user.close()
    finally:
        server.stop()
        redis.cleanup()


# --- (c) a worker dies holding a job ----------------------------------------------------------

def _pending_top_ups(env: dict[str, str], count: int) -> list[tuple[int, str]]:
    out = fk.cli(env, "shell", "-c", (
        "from walletdesk.accounts.models import User\n"
        "from walletdesk.wallet import services\n"
        f"users = list(User.objects.filter(email__endswith='bench-api.walletdesk.invalid'))\n"
        f"for n in range({count}):\n"
        "    t = services.top_up(users[n % len(users)], amount=1000 + n, currency='CNY',"
        " method='bank_card')\n"
        "    print('TOPUP', t.pk, t.public_id)\n"))
    rows = [line.split()[1:] for line in out.split("\n") if line.startswith("TOPUP ")]
    return [(int(pk), public_id) for pk, public_id in rows]


def _wait(predicate: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def test_job_of_a_killed_worker_is_finished_by_another(fresh: tuple[str, Path]) -> None:
    db_url, var = fresh
    env = fk.child_env(var, db_url, WALLETDESK_JOB_LEASE_SECONDS="3")
    [(txn_pk, public_id)] = _pending_top_ups(env, 1)
    job_sql = ("SELECT status, locked_by, attempts FROM core_job WHERE name = "
               "'wallet.submit_to_network' AND (args->>'transaction_id')::int = %s")
    # Hold the transaction's row: the worker submits to the network, then blocks
    # recording the submission, in the middle of its job.
    blocker = fk.pg_connect(db_url)
    blocker.execute("SELECT id FROM wallet_transaction WHERE id = %s FOR UPDATE", (txn_pk,))
    first = fk.Worker(env, var, "first")
    second: fk.Worker | None = None
    try:
        _wait(lambda: fk.query(db_url, job_sql, txn_pk)[0][0] == "running"
              and fk.query(db_url, "SELECT count(*) FROM wallet_networkoperation "
                                   "WHERE client_ref = %s", public_id)[0][0] == 1
              and fk.query(db_url, "SELECT count(*) FROM pg_stat_activity WHERE datname = "
                                   "current_database() AND wait_event_type = 'Lock'")[0][0] >= 1,
              30, "the first worker to block inside the job")
        _, killed_id, _ = fk.query(db_url, job_sql, txn_pk)[0]
        first.kill()
        first.popen.wait(10)
        blocker.rollback()
        second = fk.Worker(env, var, "second")
        _wait(lambda: fk.query(db_url, job_sql, txn_pk)[0][0] == "done"
              and fk.query(db_url, "SELECT status FROM wallet_transaction WHERE id = %s",
                           txn_pk)[0][0] == "completed", 40, "the job and the top-up to finish")
        status, locked_by, attempts = fk.query(db_url, job_sql, txn_pk)[0]
        assert (status, attempts) == ("done", 2) and locked_by != killed_id
        assert fk.query(db_url, "SELECT count(*) FROM wallet_networkoperation WHERE client_ref = %s",
                        public_id)[0][0] == 1, "the network saw the charge once"
        # Recorded once at most: when the network's answer lands before the job is taken
        # over, the re-run finds the top-up completed and returns; the reference then
        # comes with the network's notification.
        assert fk.query(db_url, "SELECT count(*) FROM wallet_transactionevent WHERE "
                                "transaction_id = %s AND reason = 'sent_to_network'",
                        txn_pk)[0][0] <= 1
        assert fk.query(db_url, "SELECT network_ref FROM wallet_transaction WHERE id = %s",
                        txn_pk)[0][0] == fk.query(
            db_url, "SELECT reference FROM wallet_networkoperation WHERE client_ref = %s",
            public_id)[0][0]
        report = fk.ledger_report(env)
        assert report["ok"], report["problems"]
    finally:
        blocker.close()
        first.stop()
        if second is not None:
            second.stop()


def test_three_workers_never_run_one_job_twice(fresh: tuple[str, Path]) -> None:
    db_url, var = fresh
    env = fk.child_env(var, db_url)
    before = fk.query(db_url, "SELECT coalesce(max(id), 0) FROM core_job")[0][0]
    txns = _pending_top_ups(env, 30)
    workers = [fk.Worker(env, var, f"w{i}") for i in range(3)]
    try:
        pks = [pk for pk, _ in txns]
        _wait(lambda: fk.query(db_url, "SELECT count(*) FROM wallet_transaction WHERE id = ANY(%s)"
                                       " AND status = 'completed'", pks)[0][0] == len(pks),
              60, "every top-up to complete")
        runs = fk.query(db_url, "SELECT transaction_id, count(*) FROM wallet_transactionevent "
                                "WHERE transaction_id = ANY(%s) AND reason = 'sent_to_network' "
                                "GROUP BY transaction_id", pks)
        assert sorted(runs) == [(pk, 1) for pk in sorted(pks)]
        jobs = fk.query(db_url, "SELECT status, attempts, locked_by FROM core_job WHERE id > %s "
                                "AND name IN ('wallet.submit_to_network', 'wallet.network_decide')",
                        before)
        assert len(jobs) == 60 and {(s, a) for s, a, _ in jobs} == {("done", 1)}
        assert len({w for _, _, w in jobs}) >= 2, "the work was shared"
        report = fk.ledger_report(env)
        assert report["ok"], report["problems"]
    finally:
        for w in workers:
            w.stop()
