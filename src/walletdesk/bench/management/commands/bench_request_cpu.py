"""``walletdesk bench_request_cpu``: CPU time per request of the hot paths, in one process.

Throughput on a shared machine moves with everybody else's load; the CPU time this process
spends per request moves much less. The command signs a bench customer of ``bench_api
--setup`` in (through the API for a bearer token, through the login page for a session),
calls every path once untimed (a process's first help search loads its index), then for
``--rounds`` rounds calls each path ``--requests`` times through Django's in-process test
client and reports the median ``time.process_time()`` per request in milliseconds, with the
statements per request. ``--profile PATH`` runs cProfile over one path instead and prints
the functions with the most cumulative time (``--profile-out FILE`` also saves the profile for
``pstats``, to see who calls what).

On PostgreSQL with the database on this host it also reports ``db_cpu_ms_per_request``: the CPU
the database's server processes for the bench database spent per request (``/proc``, user and
system time of every backend connected to it, read before and after each timed loop; a
resolution of one clock tick, 10 ms, over the loop). Run it on a bench database nobody else
uses: another client's statements would count here.

Paths (the names of ``bench_api --phases``): ``healthz``, ``balance``, ``transfer`` (distinct
Idempotency-Keys; use ``bench_api --setup --relax-risk`` first), ``history`` (API),
``help`` (API), ``help_page``, ``wallet_home`` and ``history_page`` (signed in).

Transfers are real: they are booked in the configured database (run it on a bench database).
"""

from __future__ import annotations

import cProfile
import io
import json
import os
import pstats
import statistics
import time
import uuid
from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from walletdesk.bench.management.commands.bench_api import EMAIL, PASSWORD

HELP_Q = "忘记密码"


def _paths(api: Client, page: Client, peer: str) -> dict[str, Callable[[], Any]]:
    page_headers = {"Accept": "text/html", "Accept-Language": "zh-hans"}
    return {
        "healthz": lambda: api.get("/healthz"),
        "balance": lambda: api.get("/api/v1/wallet"),
        "transfer": lambda: api.post(
            "/api/v1/wallet/transfers", {"to": peer, "amount": 1, "currency": "CNY"},
            content_type="application/json", headers={"Idempotency-Key": uuid.uuid4().hex}),
        "history": lambda: api.get("/api/v1/wallet/transactions?limit=20"),
        "help": lambda: api.get("/api/v1/help/search", {"q": HELP_Q, "lang": "zh-hans"}),
        "help_page": lambda: page.get("/help/search/", {"q": HELP_Q}, headers=page_headers),
        "wallet_home": lambda: page.get("/wallet/", headers=page_headers),
        "history_page": lambda: page.get("/wallet/history/", headers=page_headers),
    }


OK = {"transfer": (200, 201)}


def _database_cpu_ms() -> float | None:
    """User and system CPU (ms) of this database's PostgreSQL server processes on this host,
    or None (another database, or the server is elsewhere)."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")
        pids = [row[0] for row in cursor.fetchall()]
    tick, total = os.sysconf("SC_CLK_TCK"), 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            return None  # not on this host, or not ours to read
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
    return total / tick * 1e3


class Command(BaseCommand):
    help = "CPU time per request of the hot paths, in process (JSON)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--requests", type=int, default=300, help="per path and round")
        parser.add_argument("--rounds", type=int, default=3)
        parser.add_argument("--paths", default="", help="comma-separated; default all")
        parser.add_argument("--user", type=int, default=0, help="bench customer number")
        parser.add_argument("--profile", default="", help="cProfile one path instead")
        parser.add_argument("--top", type=int, default=40)
        parser.add_argument("--profile-out", default="",
                            help="also save --profile's statistics here (pstats format)")

    def handle(self, *args: Any, **opts: Any) -> None:
        n, rounds = opts["requests"], opts["rounds"]
        if n < 1 or rounds < 1:
            raise CommandError("--requests and --rounds must be at least 1")
        me, peer = EMAIL.format(opts["user"]), EMAIL.format(opts["user"] + 1)
        api, page = Client(), Client()
        r = api.post("/api/v1/auth/login", {"login": me, "password": PASSWORD},
                     content_type="application/json", headers={"X-Device-Id": "bench-cpu"})
        if r.status_code != 200:
            raise CommandError(f"API sign-in of {me} failed ({r.status_code}): "
                               "run bench_api --setup-only --relax-risk first")
        api.defaults["HTTP_AUTHORIZATION"] = f"Bearer {r.json()['token']}"
        page.get("/login/")
        page.post("/login/", {"username": me, "password": PASSWORD})
        if "sessionid" not in page.cookies:
            raise CommandError(f"could not sign {me} in on the login page")
        paths = _paths(api, page, peer)
        names = [p for p in opts["paths"].split(",") if p] or list(paths)
        unknown = set(names) - set(paths)
        if unknown:
            raise CommandError(f"unknown paths: {', '.join(sorted(unknown))}")
        for name in names:  # warm-up, and every path must answer
            for _ in range(3):
                status = paths[name]().status_code
            if status not in OK.get(name, (200,)):
                raise CommandError(f"{name} answered {status}")
        if opts["profile"]:
            self._profile(paths[opts["profile"]], n, opts["top"], opts["profile_out"])
            return
        cpu: dict[str, list[float]] = {name: [] for name in names}
        db_cpu: dict[str, list[float]] = {name: [] for name in names}
        statements: dict[str, float] = {}
        for _ in range(rounds):
            for name in names:
                call = paths[name]
                d0 = _database_cpu_ms()
                c0 = time.process_time()
                for _ in range(n):
                    call()
                cpu[name].append((time.process_time() - c0) / n * 1e3)
                d1 = _database_cpu_ms()
                if d0 is not None and d1 is not None:
                    db_cpu[name].append((d1 - d0) / n)
        for name in names:
            with CaptureQueriesContext(connection) as ctx:
                for _ in range(10):
                    paths[name]()
            statements[name] = len(ctx.captured_queries) / 10
        self.stdout.write(json.dumps({
            "benchmark": "bench_request_cpu", "database": connection.vendor,
            "requests": n, "rounds": rounds,
            "cpu_ms_per_request": {k: round(statistics.median(v), 3) for k, v in cpu.items()},
            "cpu_ms_rounds": {k: [round(x, 3) for x in v] for k, v in cpu.items()},
            "statements_per_request": statements,
            **({"db_cpu_ms_per_request": {k: round(statistics.median(v), 3)
                                          for k, v in db_cpu.items()}}
               if all(db_cpu.values()) else {}),
            "load_average": [round(x, 2) for x in os.getloadavg()]}))

    def _profile(self, call: Callable[[], Any], n: int, top: int, out_path: str) -> None:
        prof = cProfile.Profile(time.process_time)  # CPU, not waits on the database
        prof.enable()
        for _ in range(n):
            call()
        prof.disable()
        if out_path:
            prof.dump_stats(out_path)
        out = io.StringIO()
        stats = pstats.Stats(prof, stream=out)
        stats.sort_stats("cumulative").print_stats(top)
        stats.sort_stats("tottime").print_stats(top)
        self.stdout.write(out.getvalue())
