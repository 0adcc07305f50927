"""PostgreSQL connections under ASGI: Django's bounded pool by default, one per request without.

Each case runs a fresh interpreter, because the settings read the environment once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import pytest

pytestmark = pytest.mark.postgres

PROBE = """
import json, os, threading, time
import django
django.setup()
import psycopg
from django.db import close_old_connections, connection
from django.conf import settings

THREADS, ROUNDS = int(os.environ["PROBE_THREADS"]), int(os.environ["PROBE_ROUNDS"])
APP = "wd-conn-probe"
COUNT = "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s"

def request():  # what one request does: use the connection, then Django closes it at the end
    with connection.cursor() as c:
        c.execute("SELECT pg_backend_pid(), pg_sleep(0.005)")
        pid = c.fetchone()[0]
    close_old_connections()
    return pid

pids, done, release = [], threading.Barrier(THREADS + 1), threading.Event()
errors = []

def worker():  # an executor thread of the ASGI server: it lives on after its requests
    try:
        for _ in range(ROUNDS):
            pids.append(request())
    except Exception as exc:
        errors.append(repr(exc))
    done.wait()
    release.wait()

# A watcher outside Django (its own connection, another application name) samples the count.
watch = psycopg.connect(os.environ["PROBE_WATCH_URL"], autocommit=True)
peak, stop = [0], threading.Event()

def watcher():
    while not stop.is_set():
        peak[0] = max(peak[0], watch.execute(COUNT, [APP]).fetchone()[0])
        time.sleep(0.002)

w = threading.Thread(target=watcher)
w.start()
threads = [threading.Thread(target=worker) for _ in range(THREADS)]
for t in threads:
    t.start()
done.wait()
stop.set()
w.join()
# A closed connection leaves pg_stat_activity when its backend process exits, a moment after
# the client hangs up; one still open stays. So wait up to two seconds for the count to settle.
settle = time.monotonic() + 2.0
open_now = watch.execute(COUNT, [APP]).fetchone()[0]
while open_now and os.environ.get("PROBE_SETTLE") and time.monotonic() < settle:
    time.sleep(0.02)
    open_now = watch.execute(COUNT, [APP]).fetchone()[0]
release.set()
for t in threads:
    t.join()
options = settings.DATABASES["default"].get("OPTIONS", {})
print(json.dumps({"pool": "pool" in options, "max_size": options.get("pool", {}).get("max_size"),
                  "distinct": len(set(pids)), "requests": len(pids), "open_now": open_now,
                  "peak": peak[0], "errors": errors}))
"""


def probe(threads: int = 6, rounds: int = 1, **env: str) -> dict[str, Any]:
    url = os.environ["WALLETDESK_DATABASE_URL"]
    sep = "&" if "?" in url else "?"
    outer = {k: v for k, v in os.environ.items() if not k.startswith("WALLETDESK_DB_POOL")}
    full = {**outer, "DJANGO_SETTINGS_MODULE": "walletdesk.settings",
            "WALLETDESK_DATABASE_URL": f"{url}{sep}application_name=wd-conn-probe",
            "PROBE_WATCH_URL": f"{url}{sep}application_name=wd-conn-watch",
            "PROBE_THREADS": str(threads), "PROBE_ROUNDS": str(rounds), **env}
    out = subprocess.run([sys.executable, "-c", PROBE], env=full, capture_output=True, text=True,
                         timeout=120, check=True)
    found: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return found


def test_the_pool_is_the_default_and_reuses_connections_across_threads() -> None:
    out = probe(WALLETDESK_DB_POOL_MIN="1", WALLETDESK_DB_POOL_MAX="3")
    assert (out["pool"], out["max_size"], out["errors"]) == (True, 3, [])
    assert out["open_now"] <= 3  # six live threads, at most the pool's three connections


def test_no_connection_outlives_the_pool_bound_under_many_threads() -> None:
    # 48 threads, 10 requests each, against a pool of 4: they queue for a connection
    # (none fails), and at no moment does PostgreSQL see more than the bound.
    out = probe(threads=48, rounds=10, WALLETDESK_DB_POOL_MIN="1", WALLETDESK_DB_POOL_MAX="4",
                WALLETDESK_DB_POOL_TIMEOUT="30")
    assert out["errors"] == [] and out["requests"] == 480
    assert 1 <= out["peak"] <= 4, out
    assert out["open_now"] <= 4, out
    assert out["distinct"] <= 4, out  # the same backends served all


def test_without_the_pool_no_connection_outlives_its_request() -> None:
    out = probe(WALLETDESK_DB_POOL="0", PROBE_SETTLE="1")
    assert out["pool"] is False
    assert out["open_now"] == 0 and out["errors"] == []  # nothing left open by the six threads


PREPARED = """
import json
import django
django.setup()
from django.db import connection

with connection.cursor() as c:
    for n in range(6):  # the same statement, as a hot path sends it, on one connection
        c.execute("SELECT %s::integer + 1 AS probe_next", [n])
    c.execute("SELECT statement FROM pg_prepared_statements")
    print(json.dumps([row[0] for row in c.fetchall()]))
"""


def prepared_statements(**env: str) -> list[str]:
    full = {**os.environ, "DJANGO_SETTINGS_MODULE": "walletdesk.settings", **env}
    out = subprocess.run([sys.executable, "-c", PREPARED], env=full, capture_output=True,
                         text=True, timeout=120, check=True)
    found: list[str] = json.loads(out.stdout.strip().splitlines()[-1])
    return found


def test_a_statement_run_five_times_on_a_connection_is_prepared_there() -> None:
    # ADR 0120: parsed once per connection instead of on every run
    assert any("probe_next" in s for s in prepared_statements())
    assert prepared_statements(WALLETDESK_DB_PREPARE="0") == []  # for a pooler in transaction mode
