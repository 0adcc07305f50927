"""``walletdesk bench_ledger``: transfers per second through the wallet services.

It builds its own database (``walletdesk_bench`` on PostgreSQL, ``var/bench.sqlite3``
on SQLite; dropped afterwards unless ``--keep``), creates customers funded by
real top-ups that the network confirms, then runs N clients (threads of this
process, or with ``--workers processes`` forked processes), each with its own
database connection, doing P2P transfers (or, with ``--hot-merchant``,
payments into one merchant) for S seconds. It prints one JSON object with the
throughput, latency percentiles, errors, the ledger invariants checked
afterwards, and the machine. ``--pgbench`` also runs pgbench's built-in TPC-B
on the same PostgreSQL server (scratch database ``walletdesk_pgbench``) with
the same clients and time, and prints the ratio.

``--via api`` drives the HTTP API in-process (Django's test client), or a
running server with ``--url`` (then the server's own database is used, and the
bench accounts are kept apart by their e-mail domain).
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import os
import platform
import random
import re
import shutil
import subprocess
import threading
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import close_old_connections, connection, connections

BENCH_DB = "walletdesk_bench"
PGBENCH_DB = "walletdesk_pgbench"
START_BALANCE = 10_000_000_00  # each bench wallet starts with 10 million (minor units)


@dataclass
class ClientResult:
    ok: int = 0
    errors: int = 0
    error_kinds: dict[str, int] = field(default_factory=dict)
    latencies: list[float] = field(default_factory=list)
    cpu_seconds: float = 0.0  # this client's process CPU time while it ran (process mode)


class Command(BaseCommand):
    help = "Measure ledger throughput (transfers/s) and compare with pgbench's TPC-B."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--clients", type=int, default=4)
        parser.add_argument("--seconds", type=float, default=10)
        parser.add_argument("--accounts", type=int, default=0,
                            help="customer wallets (default: 50 per client)")
        parser.add_argument("--hot-merchant", action="store_true",
                            help="every client pays into one merchant")
        parser.add_argument("--via", choices=["service", "api"], default="service")
        parser.add_argument("--workers", choices=["threads", "processes"], default="threads",
                            help="clients as threads of this process (sharing one GIL) or as "
                                 "forked processes (as pgbench's clients)")
        parser.add_argument("--url", default="", help="with --via api: a running server")
        parser.add_argument("--pgbench", action="store_true")
        parser.add_argument("--pgbench-scale", type=int, default=10)
        parser.add_argument("--keep", action="store_true", help="keep the bench database")

    def handle(self, *args: Any, **opts: Any) -> None:
        # Measure what production runs: with DEBUG, Django also keeps a log of every query.
        settings.DEBUG = False
        vendor = connection.vendor
        if opts["pgbench"] and vendor != "postgresql":
            raise CommandError("--pgbench needs PostgreSQL (WALLETDESK_DATABASE_URL)")
        if opts["url"] and opts["via"] != "api":
            raise CommandError("--url goes with --via api")
        own_db = not opts["url"]
        old_name = connection.settings_dict["NAME"]
        if own_db:
            self._create_bench_db(vendor)
        try:
            report = self._run(opts, vendor)
        finally:
            if own_db and not opts["keep"]:
                close_old_connections()
                connection.creation.destroy_test_db(old_name, verbosity=0)
        if opts["pgbench"]:
            tps = run_pgbench(opts["clients"], opts["seconds"], opts["pgbench_scale"])
            report["pgbench_tps"] = round(tps, 1)
            report["ratio"] = round(report["transfers_per_second"] / tps, 3) if tps else None
        self.stdout.write(json.dumps(report, ensure_ascii=False))

    # --- set-up ---------------------------------------------------------------------

    def _create_bench_db(self, vendor: str) -> None:
        test = connection.settings_dict.setdefault("TEST", {})
        if vendor == "sqlite":
            path = settings.VAR_DIR / "bench.sqlite3"
            test["NAME"] = str(path)
        else:
            test["NAME"] = BENCH_DB
        connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)

    def _run(self, opts: dict[str, Any], vendor: str) -> dict[str, Any]:
        from walletdesk.wallet.models import Merchant

        clients, seconds = opts["clients"], opts["seconds"]
        n_accounts = opts["accounts"] or max(50 * clients, 20)
        tag = uuid.uuid4().hex[:6]
        users = make_funded_customers(n_accounts, tag)
        shop = Merchant.objects.create(name="基准商户", name_en="Bench merchant",
                                       slug=f"bench-{tag}")
        tokens: list[str] = []
        if opts["via"] == "api":
            from walletdesk.accounts.services import issue_token

            tokens = [issue_token(u) for u in users]
        connection.close()

        args = (users, tokens, shop, opts, seconds)
        if opts["workers"] == "threads":
            results, elapsed, cpu = self._run_threads(clients, *args)
        else:
            results, elapsed, cpu = self._run_processes(clients, *args)

        ok = sum(r.ok for r in results)
        latencies = sorted(x for r in results for x in r.latencies)
        kinds: dict[str, int] = {}
        for r in results:
            for k, v in r.error_kinds.items():
                kinds[k] = kinds.get(k, 0) + v
        from walletdesk.wallet import invariants

        problems = invariants.problems()
        return {
            "benchmark": "bench_ledger",
            "operation": "payment_to_one_merchant" if opts["hot_merchant"] else "p2p_transfer",
            "via": opts["via"] + (f" {opts['url']}" if opts["url"] else ""),
            "database": vendor,
            "database_version": database_version(),
            "clients": clients,
            "workers": opts["workers"],
            "seconds": seconds,
            "elapsed_seconds": round(elapsed, 3),
            "accounts": n_accounts,
            "transfers": ok,
            "transfers_per_second": round(ok / elapsed, 1) if elapsed else 0.0,
            "p50_ms": percentile(latencies, 50),
            "p99_ms": percentile(latencies, 99),
            "max_ms": round(latencies[-1] * 1000, 2) if latencies else None,
            # The clients' CPU time (with SQLite, the database's too) per transfer: less
            # sensitive than the rates to other load on the machine.
            "process_cpu_ms_per_transfer": round(cpu * 1000 / ok, 3) if ok else None,
            "errors": sum(r.errors for r in results),
            "error_kinds": kinds,
            "invariants_ok": not problems,
            "invariant_problems": problems[:10],
            "debug": settings.DEBUG,
            "machine": machine_info(),
        }

    # --- the clients ----------------------------------------------------------------

    def _run_threads(self, clients: int, *args: Any) -> tuple[list[ClientResult], float, float]:
        results = [ClientResult() for _ in range(clients)]
        stop_at: list[float] = [0.0, 0.0, 0.0]  # deadline, start, process CPU time at start
        seconds = args[-1]

        def start_clock() -> None:
            # Runs once every party has arrived and before any is released, so no
            # client can read the deadline before it is set.
            stop_at[2] = time.process_time()
            stop_at[1] = time.perf_counter()
            stop_at[0] = stop_at[1] + seconds

        barrier = threading.Barrier(clients + 1, action=start_clock)
        threads = [threading.Thread(target=self._client, args=(
            i, *args[:-1], results[i], barrier, stop_at)) for i in range(clients)]
        for t in threads:
            t.start()
        barrier.wait()
        for t in threads:
            t.join()
        return results, time.perf_counter() - stop_at[1], time.process_time() - stop_at[2]

    def _run_processes(self, clients: int, *args: Any) -> tuple[list[ClientResult], float, float]:
        """Each client a forked process with its own connection; results come back by a queue."""
        ctx = multiprocessing.get_context("fork")
        stop_at = ctx.Array("d", 3)  # deadline, start (perf_counter is system-wide monotonic)
        seconds = args[-1]

        def start_clock() -> None:
            stop_at[1] = time.perf_counter()
            stop_at[0] = stop_at[1] + seconds

        barrier = ctx.Barrier(clients + 1, action=start_clock)
        queue = ctx.Queue()

        def child(i: int) -> None:
            result = ClientResult()
            users, tokens, shop, opts = args[:-1]
            self._client(i, users, tokens, shop, opts, result, barrier, stop_at)
            queue.put(result)

        procs = [ctx.Process(target=child, args=(i,)) for i in range(clients)]
        # A child must not inherit this process's connections: with the pool (the default on
        # PostgreSQL) every child would share its sockets, and its worker threads do not
        # survive the fork. Closed here, each child opens a pool of its own on first use.
        connections.close_all()
        for conn in connections.all(initialized_only=True):
            close_pool = getattr(conn, "close_pool", None)
            if close_pool is not None:
                close_pool()
        for p in procs:
            p.start()
        barrier.wait()
        results = [queue.get() for _ in procs]
        elapsed = time.perf_counter() - stop_at[1]
        for p in procs:
            p.join()
        return results, elapsed, sum(r.cpu_seconds for r in results)

    # --- one client -----------------------------------------------------------------

    def _client(self, i: int, users: list[Any], tokens: list[str], shop: Any,
                opts: dict[str, Any], result: ClientResult, barrier: Any,
                stop_at: Any) -> None:
        rng = random.Random(i)
        call = self._api_caller(opts, tokens, shop, [u.email for u in users]) \
            if opts["via"] == "api" else self._service_caller(opts, users, shop)
        try:
            barrier.wait()
            cpu_start = time.process_time()
            while time.perf_counter() < stop_at[0]:
                src = rng.randrange(len(users))
                dst = rng.randrange(len(users) - 1)
                dst += dst >= src
                amount = rng.randint(1, 10_000)
                t0 = time.perf_counter()
                error = call(src, dst, amount)
                result.latencies.append(time.perf_counter() - t0)
                if error is None:
                    result.ok += 1
                else:
                    result.errors += 1
                    result.error_kinds[error] = result.error_kinds.get(error, 0) + 1
            result.cpu_seconds = time.process_time() - cpu_start
        finally:
            connections.close_all()

    def _service_caller(self, opts: dict[str, Any], users: list[Any], shop: Any) -> Any:
        from walletdesk.core.errors import DomainError
        from walletdesk.wallet import services

        def call(src: int, dst: int, amount: int) -> str | None:
            try:
                if opts["hot_merchant"]:
                    services.pay(users[src], merchant=shop, amount=amount, currency="CNY",
                                 method="balance")
                else:
                    services.transfer(users[src], to=users[dst].email, amount=amount,
                                      currency="CNY")
            except DomainError as exc:
                return exc.code
            except Exception as exc:
                return type(exc).__name__
            return None

        return call

    def _api_caller(self, opts: dict[str, Any], tokens: list[str], shop: Any,
                    emails: list[str]) -> Any:
        from django.test import Client

        client = Client() if not opts["url"] else None

        def call(src: int, dst: int, amount: int) -> str | None:
            if opts["hot_merchant"]:
                path = "/api/v1/wallet/payments"
                body = {"merchant": shop.slug, "amount": amount, "currency": "CNY",
                        "method": "balance"}
            else:
                path = "/api/v1/wallet/transfers"
                body = {"to": emails[dst], "amount": amount, "currency": "CNY"}
            headers = {"Authorization": f"Bearer {tokens[src]}",
                       "Idempotency-Key": uuid.uuid4().hex}
            try:
                if client is not None:
                    r = client.post(path, json.dumps(body), content_type="application/json",
                                    headers=headers)
                    status, data = r.status_code, r.content
                else:
                    req = urllib.request.Request(  # noqa: S310 (the operator's --url)
                        opts["url"].rstrip("/") + path,
                                                 data=json.dumps(body).encode(), method="POST",
                                                 headers={**headers,
                                                          "Content-Type": "application/json"})
                    try:
                        with urllib.request.urlopen(req, timeout=30) as resp:  # noqa: S310
                            status, data = resp.status, resp.read()
                    except urllib.error.HTTPError as err:
                        status, data = err.code, err.read()
            except Exception as exc:
                return type(exc).__name__
            if status == 201:
                return None
            try:
                return str(json.loads(data).get("code", status))
            except ValueError:
                return str(status)

        return call


def make_funded_customers(n: int, tag: str) -> list[Any]:
    """Customers whose money arrived through real top-ups confirmed by the network."""
    from walletdesk.accounts.models import User
    from walletdesk.wallet import services
    from walletdesk.wallet.services import cards

    users = User.objects.bulk_create([
        User(email=f"b{i}-{tag}@bench.walletdesk.invalid", password="!", display_name=f"bench {i}")
        for i in range(n)])
    users = list(User.objects.filter(email__endswith=f"-{tag}@bench.walletdesk.invalid")
                 .order_by("pk"))
    for u in users:
        cards.link_card(u, kind="bank_card", number="6222021234560200119")
        txn = services.top_up(u, amount=START_BALANCE, currency="CNY", method="bank_card")
        services.on_network_result(txn.public_id, "confirmed")
    return users


def percentile(sorted_values: list[float], pct: float) -> float | None:
    if not sorted_values:
        return None
    k = min(len(sorted_values) - 1, max(0, round(pct / 100 * len(sorted_values)) - 1))
    return round(sorted_values[k] * 1000, 2)


def database_version() -> str:
    with connection.cursor() as c:
        c.execute("SELECT version()" if connection.vendor == "postgresql"
                  else "SELECT sqlite_version()")
        return str(c.fetchone()[0])


def machine_info() -> dict[str, Any]:
    model = ""
    try:
        with open("/proc/cpuinfo") as f:
            m = re.search(r"model name\s*:\s*(.+)", f.read())
            model = m.group(1).strip() if m else ""
    except OSError:
        pass
    mem_gb = None
    with contextlib.suppress(ValueError, OSError):
        mem_gb = round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)
    return {"cpus": os.cpu_count(), "cpu_model": model, "memory_gb": mem_gb,
            "platform": platform.platform(), "python": platform.python_version(),
            "load_average": [round(x, 2) for x in os.getloadavg()]}


# --- pgbench ---------------------------------------------------------------------------

def _pg_env() -> tuple[dict[str, str], list[str]]:
    s = connections["default"].settings_dict
    env = {**os.environ}
    if s.get("PASSWORD"):
        env["PGPASSWORD"] = str(s["PASSWORD"])
    args = []
    for flag, key in (("-h", "HOST"), ("-p", "PORT"), ("-U", "USER")):
        if s.get(key):
            args += [flag, str(s[key])]
    return env, args


def run_pgbench(clients: int, seconds: float, scale: int) -> float:
    """pgbench's built-in TPC-B-like script on the same server; returns its tps."""
    if shutil.which("pgbench") is None:
        raise CommandError("pgbench is not installed")
    env, conn_args = _pg_env()
    subprocess.run(["dropdb", *conn_args, "--if-exists", PGBENCH_DB], env=env, check=True)
    subprocess.run(["createdb", *conn_args, PGBENCH_DB], env=env, check=True)
    try:
        subprocess.run(["pgbench", *conn_args, "-i", "-q", "-s", str(scale), PGBENCH_DB],
                       env=env, check=True, capture_output=True)
        out = subprocess.run(["pgbench", *conn_args, "-c", str(clients), "-j", str(clients),
                              "-T", str(max(1, round(seconds))), PGBENCH_DB], env=env,
                             check=True, capture_output=True, text=True).stdout
    finally:
        subprocess.run(["dropdb", *conn_args, "--if-exists", PGBENCH_DB], env=env, check=False)
    m = re.search(r"tps = ([\d.]+) \(without initial connection time\)", out) or \
        re.search(r"tps = ([\d.]+)", out)
    if m is None:
        raise CommandError(f"could not read pgbench's output:\n{out}")
    return float(m.group(1))
