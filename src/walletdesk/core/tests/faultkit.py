"""Processes for the fault tests: servers, workers, a private PostgreSQL and Redis.

Everything here starts real processes (``python -m walletdesk.cli ...``,
``initdb``/``pg_ctl``, ``redis-server``) in their own process group, so a test
can SIGKILL exactly what it started, and ``stop()`` always cleans up.
The machine's shared PostgreSQL is only used for databases created here
(``walletdesk_fault_<pid>_<n>``), never restarted.
"""

from __future__ import annotations

import contextlib
import glob
import itertools
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg

from walletdesk.bench.management.commands.bench_api import PASSWORD, Client

SHARED_PG = os.environ.get("WALLETDESK_TEST_POSTGRES_URL",
                           "postgres://postgres@127.0.0.1:5432/postgres")
CLI = [sys.executable, "-m", "walletdesk.cli"]
_counter = itertools.count()
TEMPLATE_USERS = 4

# Fast, deterministic payment network and short leases for every child process.
BASE_ENV = {
    "WALLETDESK_NETWORK_DELAY_MIN": "0.2", "WALLETDESK_NETWORK_DELAY_MAX": "0.5",
    "WALLETDESK_NETWORK_CONFIRM_RATE": "1", "WALLETDESK_NETWORK_FAIL_RATE": "0",
    "WALLETDESK_NETWORK_UNAVAILABLE_RATE": "0", "WALLETDESK_WORKER_POLL": "0.2",
    "WALLETDESK_IDEMPOTENCY_LEASE": "2", "WALLETDESK_LOG_LEVEL": "WARNING",
    "WALLETDESK_WORKER_MODE": "external",
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def with_db(url: str, name: str) -> str:
    return url.rsplit("/", 1)[0] + "/" + name


def pg_connect(url: str, **kw: Any) -> psycopg.Connection[Any]:
    return psycopg.connect(url.replace("postgres://", "postgresql://", 1), **kw)


def child_env(var_dir: Path, database_url: str, redis_url: str = "", **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WALLETDESK_")}
    env.update(BASE_ENV)
    env.update({"WALLETDESK_VAR_DIR": str(var_dir), "WALLETDESK_DATABASE_URL": database_url})
    if redis_url:
        env["WALLETDESK_REDIS_URL"] = redis_url
    env.update(extra)
    return env


def cli(env: dict[str, str], *args: str, timeout: float = 120) -> str:
    done = subprocess.run([*CLI, *args], env=env, capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        raise RuntimeError(f"walletdesk {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def query(url: str, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    with pg_connect(url, autocommit=True) as conn:
        return list(conn.execute(sql, params).fetchall())


# --- databases on the shared PostgreSQL -------------------------------------------------

class Databases:
    """Databases this test run created on the shared server; dropped at the end."""

    def __init__(self, admin_url: str = SHARED_PG) -> None:
        self.admin_url = admin_url
        self.names: list[str] = []

    def create(self, template: str | None = None) -> str:
        name = f"walletdesk_fault_{os.getpid()}_{next(_counter)}"
        with pg_connect(self.admin_url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        self.names.append(name)
        return with_db(self.admin_url, name)

    def drop_all(self) -> None:
        with pg_connect(self.admin_url, autocommit=True) as conn:
            for name in reversed(self.names):
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.names.clear()


# --- walletdesk processes -----------------------------------------------------------------

class Proc:
    """A child in its own process group, with its output in a log file."""

    def __init__(self, args: list[str], env: dict[str, str], log: Path) -> None:
        self.log_path = log
        self._log = open(log, "ab")  # noqa: SIM115
        self.popen = subprocess.Popen(args, env=env, stdout=self._log, stderr=subprocess.STDOUT,
                                      start_new_session=True)

    @property
    def pid(self) -> int:
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen.poll() is None

    def kill(self, sig: int = signal.SIGKILL) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, sig)

    def stop(self, timeout: float = 10) -> None:
        if self.alive():
            self.kill(signal.SIGTERM)
            try:
                self.popen.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill(signal.SIGKILL)
                self.popen.wait(5)
        else:
            self.kill(signal.SIGKILL)  # leftovers of the group (uvicorn's children)
        self._log.close()

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:]


class Server(Proc):
    def __init__(self, env: dict[str, str], var: Path, workers: int = 1,
                 port: int | None = None) -> None:
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.workers = workers
        super().__init__([*CLI, "serve", "--port", str(self.port), "--workers", str(workers),
                          "--no-worker", "--log-level", "warning"], env,
                         var / f"server-{self.port}.log")

    def wait_ready(self, timeout: float = 60, path: str = "/healthz") -> None:
        deadline = time.monotonic() + timeout
        client = Client(self.url, timeout=2)
        while time.monotonic() < deadline:
            if not self.alive():
                raise RuntimeError(f"server exited:\n{self.output()}")
            status, _ = client.call("GET", path)
            if status == 200:
                client.close()
                return
            time.sleep(0.2)
        raise TimeoutError(f"server not ready:\n{self.output()}")

    def children(self) -> list[int]:
        """Process ids of uvicorn's worker processes (not multiprocessing's resource tracker)."""
        found = []
        for stat in glob.glob("/proc/[0-9]*/stat"):
            try:
                fields = Path(stat).read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            pid = int(stat.split("/")[2])
            if int(fields[1]) == self.pid and fields[0] != "Z" and "resource_tracker" not in \
                    Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace"):
                found.append(pid)
        return found


class Worker(Proc):
    def __init__(self, env: dict[str, str], var: Path, name: str) -> None:
        super().__init__([*CLI, "worker"], env, var / f"worker-{name}.log")


def login(url: str, email: str, patience: float = 10) -> Client:
    """A client with a bearer token; retries while the server answers nothing or 503."""
    client = Client(url, timeout=10)
    deadline = time.monotonic() + patience
    while True:
        status, body = client.call("POST", "/api/v1/auth/login",
                                   {"login": email, "password": PASSWORD},
                                   {"X-Device-Id": client.device})
        if status not in (0, 503) or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert status == 200, (status, body)
    client.token = body["token"]
    return client


# --- a private PostgreSQL ------------------------------------------------------------------

def _as_postgres(args: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


class PrivatePostgres:
    """initdb into a temp dir, pg_ctl start on a free port; restart at will."""

    def __init__(self) -> None:
        bins = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
        if not bins:
            raise RuntimeError("PostgreSQL server binaries not found")
        self.bin = Path(bins[-1]).parent
        self.dir = Path(tempfile.mkdtemp(prefix="wd-pg-"))
        self.data = self.dir / "data"
        self.port = free_port()
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/postgres"
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
        subprocess.run(_as_postgres([str(self.bin / "initdb"), "-D", str(self.data), "-U",
                                     "postgres", "-A", "trust", "--no-sync", "-E", "UTF8"]),
                       check=True, capture_output=True, timeout=120)

    def _ctl(self, *args: str) -> None:
        subprocess.run(_as_postgres([
            str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.dir / "pg.log"),
            "-o", f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off",
            *args]), check=True, capture_output=True, timeout=60)

    def start(self) -> None:
        self._ctl("-w", "start")

    def stop(self, mode: str = "fast") -> None:
        self._ctl("-w", "-m", mode, "stop")

    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    def cleanup(self) -> None:
        if self.running():
            with contextlib.suppress(subprocess.SubprocessError):
                self.stop("immediate")
        shutil.rmtree(self.dir, ignore_errors=True)


# --- a private Redis -------------------------------------------------------------------------

class PrivateRedis:
    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.dir = Path(tempfile.mkdtemp(prefix="wd-redis-"))
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.dir)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(
                    ("127.0.0.1", self.port), timeout=0.2):
                return
            time.sleep(0.05)
        raise TimeoutError("private redis did not start")

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(5)

    def cleanup(self) -> None:
        self.kill()
        shutil.rmtree(self.dir, ignore_errors=True)


# --- a migrated template with funded customers ----------------------------------------------

def build_template(dbs: Databases, var: Path, users: int) -> str:
    """A migrated database with ``users`` funded bench customers; returns its name."""
    url = dbs.create()
    env = child_env(var, url)
    cli(env, "migrate", "--noinput", "-v0")
    cli(env, "bench_api", "--setup-only", "--users", str(users), "--relax-risk")
    return url.rsplit("/", 1)[1]


def ledger_report(env: dict[str, str]) -> dict[str, Any]:
    done = subprocess.run([*CLI, "check_ledger"], env=env, capture_output=True, text=True,
                          timeout=120)
    report: dict[str, Any] = json.loads(done.stdout)
    report["exit_code"] = done.returncode
    return report


def new_key() -> str:
    return uuid.uuid4().hex


@contextlib.contextmanager
def stopping(*procs: Proc) -> Iterator[None]:
    try:
        yield
    finally:
        for p in procs:
            p.stop()


def copy_database(source_url: str, server_url: str, name: str, tmp: Path) -> None:
    """pg_dump a database and pg_restore it as ``name`` on another server."""
    dump = tmp / f"{name}.dump"
    subprocess.run(["pg_dump", "-Fc", "--no-owner", "-f", str(dump),
                    source_url.replace("postgres://", "postgresql://", 1)], check=True, timeout=120)
    with pg_connect(server_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    subprocess.run(["pg_restore", "--no-owner", "--exit-on-error", "-d",
                    with_db(server_url, name).replace("postgres://", "postgresql://", 1),
                    str(dump)], check=True, timeout=120)


# --- fixtures shared by the process tests ----------------------------------------------------
# A test module binds them: ``dbs = pytest.fixture(scope="module")(faultkit.dbs)`` and so on.

def dbs() -> Iterator[Databases]:
    made = Databases()
    yield made
    made.drop_all()


def template(dbs: Databases, tmp_path_factory: Any) -> str:
    return build_template(dbs, tmp_path_factory.mktemp("tpl"), TEMPLATE_USERS)


def fresh(dbs: Databases, template: str, tmp_path: Path) -> tuple[str, Path]:
    """A database copied from the template, and a var dir, for one test."""
    return dbs.create(template=template), tmp_path
