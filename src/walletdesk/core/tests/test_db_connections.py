"""PostgreSQL connections under ASGI: one per request by default, or Django's pool when asked.

Each case runs a fresh interpreter, because the settings read the environment once."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.postgres

PROBE = """
import json, threading
import django
django.setup()
from django.db import close_old_connections, connection
from django.conf import settings

def request():
    with connection.cursor() as c:
        c.execute("SELECT pg_backend_pid()")
        pid = c.fetchone()[0]
    close_old_connections()  # what Django does at the end of every request
    return pid

pids, done, release = [], threading.Barrier(7), threading.Event()

def worker():  # an executor thread of the ASGI server: it lives on after its request
    pids.append(request())
    done.wait()
    release.wait()

threads = [threading.Thread(target=worker) for _ in range(6)]
for t in threads:
    t.start()
done.wait()
with connection.cursor() as c:
    c.execute("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'wd-conn-probe'")
    open_now = c.fetchone()[0]
release.set()
for t in threads:
    t.join()
print(json.dumps({"pool": "pool" in settings.DATABASES["default"].get("OPTIONS", {}),
                  "distinct": len(set(pids)), "open_now": open_now}))
"""


def probe(**env: str) -> dict[str, object]:
    url = os.environ["WALLETDESK_DATABASE_URL"]
    sep = "&" if "?" in url else "?"
    full = {**os.environ, "DJANGO_SETTINGS_MODULE": "walletdesk.settings",
            "WALLETDESK_DATABASE_URL": f"{url}{sep}application_name=wd-conn-probe", **env}
    out = subprocess.run([sys.executable, "-c", PROBE], env=full, capture_output=True, text=True,
                         timeout=60, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def test_by_default_no_connection_outlives_its_request() -> None:
    out = probe()
    assert out["pool"] is False
    assert out["open_now"] == 1  # only the probe's own count is open, not one per thread


def test_the_pool_reuses_connections_across_threads() -> None:
    out = probe(WALLETDESK_DB_POOL="1", WALLETDESK_DB_POOL_MIN="1", WALLETDESK_DB_POOL_MAX="3")
    assert out["pool"] is True
    assert out["open_now"] <= 3  # six live threads, at most the pool's three connections
