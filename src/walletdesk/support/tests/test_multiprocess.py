"""Two real `walletdesk serve` processes sharing one SQLite (WAL) database and Redis:
a customer on one process and the agent on the other exchange messages, and the customer
resumes on the other process after a disconnect without loss or duplicates; a sign-out on
one process closes the user's socket on the other within seconds."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.redis
REDIS = os.environ.get("WALLETDESK_TEST_REDIS_URL", "")


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait(port: int, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 40
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError(log.read_text()) from None
            time.sleep(0.2)
    raise RuntimeError(f"server on {port} did not start")


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    if not REDIS:
        if os.environ.get("CI") == "true":
            pytest.fail("WALLETDESK_TEST_REDIS_URL must be set in CI")
        pytest.skip("WALLETDESK_TEST_REDIS_URL is not set")
    var = tmp_path_factory.mktemp("chat2")
    env = {**os.environ, "WALLETDESK_VAR_DIR": str(var), "WALLETDESK_REDIS_URL": REDIS,
           "WALLETDESK_DATABASE_URL": f"sqlite:///{var / 'shared.sqlite3'}",
           "WALLETDESK_LOG_LEVEL": "WARNING"}
    cli = [sys.executable, "-m", "walletdesk.cli"]
    subprocess.run([*cli, "migrate", "--noinput", "-v0"], env=env, check=True)
    subprocess.run([*cli, "bench_chat", "--setup", "--customers", "2", "--agents", "1",
                    "--state", str(var / "state.json")], env=env, check=True, capture_output=True)
    procs, urls = [], []
    for n in range(2):
        port = _port()
        log = var / f"server{n}.log"
        # info: uvicorn's access and websocket lines are written (and must carry no secrets)
        proc = subprocess.Popen([*cli, "serve", "--port", str(port), "--log-level", "info"], env=env,
                                stdout=log.open("w"), stderr=subprocess.STDOUT)
        procs.append(proc)
        _wait(port, proc, log)
        urls.append(f"127.0.0.1:{port}")
    yield {"urls": urls, "state": json.loads((var / "state.json").read_text()),
           "logs": [var / f"server{n}.log" for n in range(2)]}
    for proc in procs:
        proc.terminate()
    for proc in procs:
        proc.wait(timeout=15)


async def _open(host: str, path: str, token: str) -> Any:
    """A native client: the token in the handshake's Authorization header."""
    import websockets

    return await websockets.connect(f"ws://{host}{path}",
                                    additional_headers={"Authorization": f"Bearer {token}"})


async def _until(ws: Any, pred: Any, timeout: float = 10) -> list[dict[str, Any]]:
    got = []
    while True:
        frame = json.loads(await asyncio.wait_for(ws.recv(), timeout))
        got.append(frame)
        if pred(frame):
            return got


async def _scenario(urls: list[str], state: dict[str, Any]) -> None:
    a, b = urls
    cust, agent = state["customers"][0], state["agents"][0]
    conv = cust["conversation"]
    cpath = f"/ws/support/conversations/{conv}/"
    ag = await _open(b, "/ws/agent/", agent["token"])
    await _until(ag, lambda f: f["type"] == "hello")
    cu = await _open(a, cpath, cust["token"])
    await cu.send(json.dumps({"type": "resume", "after_seq": 0}))
    history = await _until(cu, lambda f: f["type"] == "resumed")
    seqs = [f["seq"] for f in history if f["type"] == "message"]

    # customer on process A → agent on process B
    await cu.send(json.dumps({"type": "message", "text": "跨进程你好", "client_id": "mp-c1"}))
    await _until(ag, lambda f: f.get("client_id") == "mp-c1")
    # agent on B → customer on A
    for i in range(5):
        await ag.send(json.dumps({"type": "message", "conversation_id": conv, "text": f"回复 {i}",
                                  "client_id": f"mp-a{i}"}))
    got = await _until(cu, lambda f: f.get("client_id") == "mp-a4")
    seqs += [f["seq"] for f in got if f["type"] == "message"]
    first = next(f for f in got if f.get("client_id") == "mp-a0")
    assert first["sender"]["employee_id"] == agent["employee_id"]
    await cu.close()

    # while the customer is away
    for i in range(5, 10):
        await ag.send(json.dumps({"type": "message", "conversation_id": conv, "text": f"回复 {i}",
                                  "client_id": f"mp-a{i}"}))
    await _until(ag, lambda f: f.get("client_id") == "mp-a9")

    # back on the other process, resuming after the last sequence number seen
    cu = await _open(b, cpath, cust["token"])
    await cu.send(json.dumps({"type": "resume", "after_seq": seqs[-1]}))
    await cu.send(json.dumps({"type": "message", "text": "我回来了", "client_id": "mp-c2"}))
    got = await _until(cu, lambda f: f.get("client_id") == "mp-c2")
    seqs += [f["seq"] for f in got if f["type"] == "message"]
    await cu.close()
    await ag.close()

    assert seqs == sorted(seqs), "in order"
    assert len(seqs) == len(set(seqs)), "no duplicates"
    assert seqs == list(range(1, seqs[-1] + 1)), "no loss (every sequence number, customer-visible)"


def test_two_processes_share_the_chat_through_redis(servers: dict[str, Any]) -> None:
    # A thread of its own: Playwright's session browser keeps an event loop running in
    # the main thread when the browser tests ran first, and asyncio.run refuses that.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, _scenario(servers["urls"], servers["state"])).result()


def _logout(host: str, token: str) -> int:
    import urllib.request

    req = urllib.request.Request(f"http://{host}/api/v1/auth/logout", data=b"{}", method="POST",
                                 headers={"Authorization": f"Bearer {token}",
                                          "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as resp:
        return int(resp.status)


async def _sign_out_closes(urls: list[str], state: dict[str, Any]) -> float:
    import websockets

    a, b = urls
    cust = state["customers"][1]
    ws = await _open(a, f"/ws/support/conversations/{cust['conversation']}/", cust["token"])
    await _until(ws, lambda f: f["type"] == "hello")
    started = time.monotonic()
    assert await asyncio.to_thread(_logout, b, cust["token"]) == 204  # on the OTHER process
    frames = []
    with pytest.raises(websockets.ConnectionClosed) as closed:
        while True:
            frames.append(json.loads(await asyncio.wait_for(ws.recv(), 15)))
    elapsed = time.monotonic() - started
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401, closed.value
    assert frames[-1]["type"] == "error" and frames[-1]["code"] == "not_authenticated"
    return elapsed


@pytest.mark.security
def test_sign_out_on_one_process_closes_the_socket_on_the_other(servers: dict[str, Any]) -> None:
    with ThreadPoolExecutor(max_workers=1) as pool:
        elapsed = pool.submit(asyncio.run, _sign_out_closes(servers["urls"], servers["state"])).result()
    assert elapsed < 10, elapsed  # the channel layer carries it at once; the recheck is every 5 s


async def _secrets_in_urls(host: str, conv: int) -> None:
    import urllib.request

    import websockets
    from websockets.typing import Origin

    for query in ("token=wdt_SECRET-IN-URL", "guest=SECRET-GUEST-KEY"):
        with contextlib.suppress(Exception):
            ws = await websockets.connect(f"ws://{host}/ws/support/conversations/{conv}/?{query}",
                                          origin=Origin(f"http://{host}"))
            await ws.close()
    await asyncio.to_thread(lambda: urllib.request.urlopen(
        f"http://{host}/healthz?token=SECRET-HTTP", timeout=10).read())


@pytest.mark.security
def test_access_logs_carry_no_query_strings(servers: dict[str, Any]) -> None:
    host = servers["urls"][0]
    conv = servers["state"]["customers"][0]["conversation"]
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, _secrets_in_urls(host, conv)).result()
    time.sleep(0.5)
    logs = "".join(path.read_text(errors="replace") for path in servers["logs"])
    assert "/healthz?[redacted]" in logs and f"/ws/support/conversations/{conv}/?[redacted]" in logs
    for secret in ("SECRET-IN-URL", "SECRET-GUEST-KEY", "SECRET-HTTP"):
        assert secret not in logs
