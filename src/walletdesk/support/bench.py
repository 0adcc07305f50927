"""bench_chat: many customers and agents chatting through a running deployment.

``--setup`` (run against the deployment's database, through the services)
creates N customers and M agents with API tokens and one assigned
conversation per customer, and writes them to ``--state``. The run connects
every customer and agent over websockets (spread over the ``--url`` list so
that a customer and their agent usually sit on different processes), then for
``--seconds`` sends ``--rate`` messages a second in total, half from customers
and half from agents, each to the other side of one conversation. Latency is
from send to arrival at the other party; ``lost`` counts messages that never
arrived by the end of a drain period, ``duplicated`` those that arrived twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import os
import platform
import random
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction


def setup(customers: int, agents: int, state: Path, prefix: str = "bench") -> dict[str, Any]:
    from walletdesk.accounts.models import User
    from walletdesk.accounts.services import issue_token

    from . import services
    from .models import Agent
    from .services import conversations

    cap = math.ceil(customers / max(1, agents)) + 2
    out: dict[str, Any] = {"agents": [], "customers": []}
    agent_rows = []
    for i in range(agents):
        email = f"{prefix}.agent{i}@walletdesk.example"
        user = User.objects.filter(email=email).first() or User.objects.create_user(
            email, None, role="agent", display_name=f"Bench agent {i}")
        agent = Agent.objects.filter(user=user).first() or Agent(
            user=user, display_name=f"压测坐席{i}", employee_id=f"WD9{i:04d}", skills=["general"],
            languages=["zh-hans", "en"])
        agent.max_concurrent_chats = cap
        services.save_agent(agent)
        services.heartbeat(agent)
        agent_rows.append(agent)
        out["agents"].append({"token": issue_token(user), "employee_id": agent.employee_id, "id": agent.pk})
    for i in range(customers):
        email = f"{prefix}.c{i}@example.com"
        user = User.objects.filter(email=email).first() or User.objects.create_user(
            email, None, display_name=f"Bench {i}")
        agent = agent_rows[i % len(agent_rows)]
        with transaction.atomic():
            opened = conversations.open_conversation(user, topic="general", message="压测 bench",
                                                     use_triage=False)
            conversations.accept(agent, opened.conversation)
        out["customers"].append({"token": issue_token(user), "conversation": opened.conversation.pk,
                                 "agent": i % len(agent_rows)})
    state.write_text(json.dumps(out))
    return {"customers": customers, "agents": agents, "state": str(state)}


@dataclass
class Stats:
    sent: dict[str, float] = field(default_factory=dict)  # client_id -> send time
    received: dict[str, int] = field(default_factory=dict)
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    connect_errors: int = 0
    closed: int = 0
    error_codes: dict[str, int] = field(default_factory=dict)
    run: str = field(default_factory=lambda: f"bench-{os.getpid()}-{int(time.time())}-")


def _ws_url(base: str, path: str) -> str:
    return re.sub(r"^http", "ws", base.rstrip("/")) + path


def _connect(base: str, path: str, token: str, timeout: float) -> Any:
    """A native client: the API token in the handshake's Authorization header, no Origin."""
    import websockets

    return websockets.connect(_ws_url(base, path), max_size=1 << 20, open_timeout=timeout,
                              additional_headers={"Authorization": f"Bearer {token}"})


async def _reader(ws: Any, stats: Stats, side: str, ready: asyncio.Event | None = None) -> None:
    """Count arrivals at this side of messages sent by the other side."""
    try:
        await _read(ws, stats, side, ready)
    except Exception:  # closed by the server: what did not arrive counts as lost
        stats.closed += 1


async def _read(ws: Any, stats: Stats, side: str, ready: asyncio.Event | None) -> None:
    async for raw in ws:
        frame = json.loads(raw)
        kind = frame.get("type")
        if kind == "resumed" and ready is not None:
            ready.set()
        if kind == "error":
            stats.errors += 1
            stats.error_codes[frame.get("code", "")] = stats.error_codes.get(frame.get("code", ""), 0) + 1
        if kind != "message":
            continue
        cid = frame.get("client_id") or ""
        if not cid.startswith(stats.run) or not cid.endswith(side):
            continue  # our own echo, or history
        stats.received[cid] = stats.received.get(cid, 0) + 1
        if stats.received[cid] == 1 and cid in stats.sent:
            stats.latencies.append((time.perf_counter() - stats.sent[cid]) * 1000)


def _pct(values: list[float], p: float) -> float | None:
    if not values:
        return None
    values = sorted(values)
    return round(values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))], 1)


def server_pids(urls: list[str], given: list[int]) -> list[int]:
    if given:
        return given
    ports = {u.rstrip("/").rsplit(":", 1)[-1] for u in urls}
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmd = (proc / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        args = [c.decode(errors="replace") for c in cmd]
        if "serve" in args and any(args[i] == "--port" and args[i + 1] in ports
                                   for i in range(len(args) - 1)):
            found.append(int(proc.name))
    children = []
    for proc in Path("/proc").iterdir():  # uvicorn --workers: the worker processes too
        if proc.name.isdigit():
            try:
                stat = (proc / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(stat[1]) in found:
                children.append(int(proc.name))
    return sorted(set(found + children))


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of the processes so far (from /proc; 0 for a gone one)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError, IndexError, ValueError):
            stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(stat[11]) + int(stat[12])
    return total / tick


def peak_rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


async def run(urls: list[str], state: dict[str, Any], customers: int, agents: int, seconds: float,
              rate: float, drain: float = 5.0, connect_rate: float = 200,
              pids: list[int] | None = None) -> dict[str, Any]:
    stats = Stats()
    custs = state["customers"][:customers]
    agent_rows = state["agents"][:agents]
    agent_ws: list[Any] = []
    tasks: list[asyncio.Task[Any]] = []
    for i, a in enumerate(agent_rows):
        base = urls[(i + 1) % len(urls)]
        ws = await _connect(base, "/ws/agent/", a["token"], 30)
        agent_ws.append(ws)
        tasks.append(asyncio.create_task(_reader(ws, stats, "c2a")))
    cust_ws: list[Any] = [None] * len(custs)
    t0 = time.perf_counter()

    async def connect(i: int, c: dict[str, Any]) -> None:
        base = urls[i % len(urls)]
        try:
            ws = await _connect(base, f"/ws/support/conversations/{c['conversation']}/?after_seq=0",
                                c["token"], 60)
        except Exception:  # counted; the bench goes on
            stats.connect_errors += 1
            return
        cust_ws[i] = ws
        tasks.append(asyncio.create_task(_reader(ws, stats, "a2c")))

    pending = []
    for i, c in enumerate(custs):
        pending.append(asyncio.create_task(connect(i, c)))
        await asyncio.sleep(1 / connect_rate)
    await asyncio.gather(*pending)
    connect_seconds = time.perf_counter() - t0
    await asyncio.sleep(2)
    live = [i for i, ws in enumerate(cust_ws) if ws is not None]
    n = 0
    cpu0, own0 = cpu_seconds(pids or []), time.process_time()
    start = time.perf_counter()
    interval = 1 / rate
    while time.perf_counter() - start < seconds and live:
        target = start + n * interval
        delay = target - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        i = random.choice(live)
        c = custs[i]
        if n % 2 == 0:
            cid = f"{stats.run}{n}-c2a"
            frame = {"type": "message", "text": f"客户消息 {n}", "client_id": cid}
            ws = cust_ws[i]
        else:
            cid = f"{stats.run}{n}-a2c"
            frame = {"type": "message", "conversation_id": c["conversation"], "text": f"客服回复 {n}",
                     "client_id": cid}
            ws = agent_ws[c["agent"] % len(agent_ws)]
        stats.sent[cid] = time.perf_counter()
        try:
            await ws.send(json.dumps(frame))
        except Exception:  # a closed socket: the message counts as lost
            stats.errors += 1
        n += 1
    elapsed = time.perf_counter() - start
    on_time = sum(1 for cid in stats.sent if stats.received.get(cid))
    # Drain: wait until everything arrived, or nothing new came for `drain` seconds (max 120 s).
    last, quiet_since, drain_start = -1, time.perf_counter(), time.perf_counter()
    while time.perf_counter() - drain_start < 120:
        got = sum(1 for cid in stats.sent if stats.received.get(cid))
        if got == len(stats.sent):
            break
        if got != last:
            last, quiet_since = got, time.perf_counter()
        elif time.perf_counter() - quiet_since > drain:
            break
        await asyncio.sleep(0.5)
    for t in tasks:
        t.cancel()
    for ws in [*agent_ws, *[w for w in cust_ws if w is not None]]:
        with contextlib.suppress(Exception):
            await ws.close()
    arrived = sum(1 for cid in stats.sent if stats.received.get(cid))
    # Server CPU per message is less sensitive than msg/s to other load on a shared machine.
    server_cpu = cpu_seconds(pids or []) - cpu0
    own_cpu = time.process_time() - own0
    return {
        "connections": len(live), "agent_connections": len(agent_ws), "connect_errors": stats.connect_errors,
        "connect_seconds": round(connect_seconds, 1), "seconds": round(elapsed, 1), "target_rate": rate,
        "messages_sent": len(stats.sent), "messages_delivered": arrived,
        "delivered_within_window": on_time,
        "messages_per_second": round(on_time / elapsed, 1) if elapsed else 0,
        "p50_ms": _pct(stats.latencies, 50), "p95_ms": _pct(stats.latencies, 95),
        "p99_ms": _pct(stats.latencies, 99), "max_ms": _pct(stats.latencies, 100),
        "lost": len(stats.sent) - arrived,
        "duplicated": sum(v - 1 for v in stats.received.values() if v > 1),
        "errors": stats.errors, "error_codes": stats.error_codes, "closed_by_server": stats.closed,
        "server_cpu_seconds": round(server_cpu, 2),
        "server_cpu_ms_per_message": round(server_cpu * 1000 / arrived, 2) if arrived and pids else None,
        "bench_client_cpu_seconds": round(own_cpu, 2),
    }


def machine() -> dict[str, Any]:
    model = ""
    with contextlib.suppress(OSError):
        model = next((ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines()
                      if ln.startswith("model name")), "")
    return {"cpus": os.cpu_count(), "cpu": model, "python": platform.python_version()}


def source_commit() -> dict[str, Any]:
    """The git commit of the code this bench (and, run from the same tree, the servers) runs."""
    import subprocess

    here = str(Path(__file__).resolve().parent)
    try:
        commit = subprocess.run(["git", "-C", here, "rev-parse", "HEAD"], capture_output=True,
                                text=True, timeout=5).stdout.strip()
        dirty = subprocess.run(["git", "-C", here, "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, timeout=5).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return {"commit": None, "dirty": None}
    return {"commit": commit or None, "dirty": bool(dirty)}


def recipe(argv: list[str]) -> dict[str, Any]:
    """How to run it again: the command, the settings that matter, the services' versions."""
    from django.conf import settings
    from django.db import connection

    layer = settings.CHANNEL_LAYERS["default"]["BACKEND"]
    with contextlib.suppress(Exception):
        connection.ensure_connection()
    return {"command": ["walletdesk", "bench_chat", *argv], "channel_layer": layer,
            "database": f"{connection.vendor} {getattr(connection, 'pg_version', '') or ''}".strip(),
            "redis": re.sub(r"//[^@/]*@", "//", settings.REDIS_URL) or None,
            "debug": settings.DEBUG,
            "servers": "walletdesk serve --port P --no-worker (WALLETDESK_DEBUG=0), one per --url"}


def _median(values: list[Any]) -> Any:
    got = sorted(v for v in values if v is not None)
    return got[len(got) // 2] if got else None


MEDIAN_KEYS = ("messages_per_second", "p50_ms", "p95_ms", "p99_ms", "max_ms",
               "server_cpu_ms_per_message", "lost", "duplicated")


def bench(urls: list[str], state_path: Path, customers: int, agents: int, seconds: float, rate: float,
          pids: list[int], runs: int = 1, argv: list[str] | None = None) -> dict[str, Any]:
    """``runs`` runs in a row; with several, the median of each figure is the one to quote."""
    state = json.loads(state_path.read_text())
    procs = server_pids(urls, pids)
    out: dict[str, Any] = {"source": source_commit(), "recipe": recipe(argv or []),
                           "machine": machine(), "urls": urls, "runs": []}
    for _ in range(max(1, runs)):
        load_before = os.getloadavg()
        result = asyncio.run(run(urls, state, customers, agents, seconds, rate, pids=procs))
        result["load_average_before"] = [round(v, 2) for v in load_before]
        result["load_average_after"] = [round(v, 2) for v in os.getloadavg()]
        result["server_peak_rss_mb"] = {str(p): peak_rss_mb(p) for p in procs}
        result["started_at"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        out["runs"].append(result)
    out["median"] = {k: _median([r.get(k) for r in out["runs"]]) for k in MEDIAN_KEYS}
    out["lost"] = sum(r["lost"] for r in out["runs"])
    out["duplicated"] = sum(r["duplicated"] for r in out["runs"])
    return out
