"""Fault test for live chat: one of two server processes (PostgreSQL + Redis) is SIGKILLed in
the middle of a stream of chat messages. Customers and the agent on it reconnect to the
survivor, resume after the last sequence number they saw and re-send what was never echoed,
with the same client ids. Nothing is lost, nothing is stored or delivered twice, and every
side sees each conversation in sequence order.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from . import faultkit as fk

pytestmark = [pytest.mark.postgres, pytest.mark.timeout(240)]
dbs = pytest.fixture(scope="module")(fk.dbs)
template = pytest.fixture(scope="module")(fk.template)
fresh = pytest.fixture(fk.fresh)

CUSTOMERS = 4
PER_SIDE = 30  # messages each customer sends, and the agent sends in each conversation


@dataclass
class Side:
    """One chat participant: what it sent, what it saw, per conversation."""

    name: str
    convs: list[int]
    token: str = ""  # sent in the handshake's Authorization header (a native client)
    sent: dict[str, tuple[int, dict[str, Any]]] = field(default_factory=dict)  # cid -> (conv, frame)
    seen: dict[int, list[tuple[int, str]]] = field(default_factory=dict)  # conv -> [(seq, cid)]
    duplicates: list[tuple[int, int]] = field(default_factory=list)
    connections: int = 0

    def high(self, conv: int) -> int:
        return self.seen[conv][-1][0] if self.seen.get(conv) else 0

    def take(self, frame: dict[str, Any]) -> None:
        if frame.get("type") != "message":
            return
        conv, seq = int(frame["conversation_id"]), int(frame["seq"])
        if seq <= self.high(conv):
            self.duplicates.append((conv, seq))
            return
        self.seen.setdefault(conv, []).append((seq, frame.get("client_id") or ""))

    def echoed(self) -> set[str]:
        return {cid for rows in self.seen.values() for _seq, cid in rows}

    def unacked(self) -> list[dict[str, Any]]:
        got = self.echoed()
        return [frame for cid, (_conv, frame) in self.sent.items() if cid not in got]

    def acked(self) -> int:
        return len(set(self.sent) & self.echoed())

    def from_others(self, conv: int, marker: str) -> int:
        return sum(1 for _seq, cid in self.seen.get(conv, []) if marker in cid)


class ChatRun:
    def __init__(self, state: dict[str, Any], victim: str, survivor: str) -> None:
        self.state, self.victim, self.survivor = state, victim, survivor
        self.convs = [c["conversation"] for c in state["customers"]]
        self.customers = [Side(f"c{i}", [c], token=state["customers"][i]["token"])
                          for i, c in enumerate(self.convs)]
        self.agent = Side("agent", list(self.convs), token=state["agents"][0]["token"])
        self.errors: list[str] = []

    @staticmethod
    def ws(base: str, path: str) -> str:
        return base.replace("http://", "ws://") + path

    async def _session(self, side: Side, base: str, path: str, hello: list[dict[str, Any]],
                       todo: list[dict[str, Any]], done: Any, pause: float) -> None:
        import websockets

        async with websockets.connect(self.ws(base, path), open_timeout=10,
                                      additional_headers={"Authorization": f"Bearer {side.token}"}) as ws:
            side.connections += 1

            async def read() -> None:
                async for raw in ws:
                    frame = json.loads(raw)
                    if frame.get("type") == "error":
                        self.errors.append(f"{side.name}: {frame}")
                    side.take(frame)

            reader = asyncio.ensure_future(read())
            try:
                for frame in hello:
                    await ws.send(json.dumps(frame))
                await asyncio.sleep(0.3)  # the resumed history first
                for frame in side.unacked():  # never echoed: send again, same client id
                    await ws.send(json.dumps(frame))
                while todo:
                    frame = todo.pop(0)
                    side.sent[frame["client_id"]] = (frame.get("conversation_id", 0), frame)
                    await ws.send(json.dumps(frame))
                    await asyncio.sleep(pause)
                while not done():
                    if reader.done():
                        reader.result()  # raises ConnectionClosed: reconnect
                        raise ConnectionError("closed")
                    await asyncio.sleep(0.1)
            finally:
                reader.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await reader

    async def _keep(self, side: Side, first: str, path_for: Any, hello_for: Any,
                    todo: list[dict[str, Any]], done: Any, pause: float) -> None:
        base, deadline = first, time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                await self._session(side, base, path_for(), hello_for(), todo, done, pause)
                return
            except Exception:  # the server died under us: resume on the survivor
                base = self.survivor
                await asyncio.sleep(0.2)
        self.errors.append(f"{side.name}: gave up")

    def _customer(self, i: int) -> Any:
        c, side = self.state["customers"][i], self.customers[i]
        conv = c["conversation"]
        todo = [{"type": "message", "text": f"客户 {i} 第 {n} 条", "client_id": f"c{i}-{n}"}
                for n in range(PER_SIDE)]
        first = self.victim if i % 2 == 0 else self.survivor

        def path() -> str:
            return f"/ws/support/conversations/{conv}/?after_seq={side.high(conv)}"

        def done() -> bool:
            return side.acked() == PER_SIDE and side.from_others(conv, "a-") == PER_SIDE

        return self._keep(side, first, path, list, todo, done, 0.1)

    def _agent_task(self) -> Any:
        side = self.agent
        todo = [{"type": "message", "conversation_id": conv, "text": f"客服回复 {n}",
                 "client_id": f"a-{conv}-{n}"} for n in range(PER_SIDE) for conv in self.convs]

        def hello() -> list[dict[str, Any]]:
            return [{"type": "resume", "conversation_id": conv, "after_seq": side.high(conv)}
                    for conv in self.convs]

        def done() -> bool:
            return side.acked() == len(side.sent) == PER_SIDE * len(self.convs) and all(
                side.from_others(conv, f"c{i}-") == PER_SIDE for i, conv in enumerate(self.convs))

        return self._keep(side, self.victim, lambda: "/ws/agent/", hello, todo, done,
                          0.03)

    async def run(self) -> None:
        await asyncio.gather(self._agent_task(), *(self._customer(i) for i in range(CUSTOMERS)))

    def summary(self) -> dict[str, Any]:
        return {s.name: {"connections": s.connections, "sent": len(s.sent), "acked": s.acked(),
                         "seen": {c: len(v) for c, v in s.seen.items()},
                         "duplicates": s.duplicates[:5]}
                for s in [self.agent, *self.customers]} | {"errors": self.errors[:5]}

    def progress(self) -> int:
        return min(s.acked() for s in [*self.customers, self.agent])


def test_server_killed_mid_chat_loses_and_duplicates_no_message(fresh: tuple[str, Path]) -> None:
    db_url, var = fresh
    redis = fk.PrivateRedis()
    redis.start()
    env = fk.child_env(var, db_url, redis.url)
    fk.cli(env, "bench_chat", "--setup", "--customers", str(CUSTOMERS), "--agents", "1",
           "--state", str(var / "chat.json"))
    state = json.loads((var / "chat.json").read_text())
    victim, survivor = fk.Server(env, var), fk.Server(env, var)
    try:
        victim.wait_ready()
        survivor.wait_ready()
        run = ChatRun(state, victim.url, survivor.url)
        thread = threading.Thread(target=lambda: asyncio.run(run.run()))  # a loop of its own
        thread.start()
        deadline = time.monotonic() + 60
        while run.progress() < 8:  # everyone is mid-stream
            assert time.monotonic() < deadline and thread.is_alive(), run.errors
            time.sleep(0.05)
        victim.kill()
        victim.popen.wait(10)
        thread.join(90)
        assert not thread.is_alive(), ("the clients did not finish", run.summary())
        assert not run.errors, run.errors

        everyone = [*run.customers, run.agent]
        moved = [s.name for s in everyone if s.connections > 1]
        assert "agent" in moved and "c0" in moved and "c2" in moved, moved
        rows = fk.query(db_url, "SELECT conversation_id, seq, client_id FROM support_message "
                                "WHERE conversation_id = ANY(%s) ORDER BY conversation_id, seq",
                        run.convs)
        last = dict(fk.query(db_url, "SELECT id, last_seq FROM support_conversation WHERE id = ANY(%s)",
                             run.convs))
        for i, conv in enumerate(run.convs):
            stored = [(seq, cid or "") for c, seq, cid in rows if c == conv]
            # Stored once each: every client id of the stream exactly once, seqs 1..last.
            ids = [cid for _seq, cid in stored if cid.startswith((f"c{i}-", f"a-{conv}-"))]
            assert len(ids) == len(set(ids)) == 2 * PER_SIDE, (conv, len(ids), len(set(ids)))
            assert [seq for seq, _cid in stored] == list(range(1, last[conv] + 1))
            # Delivered once each, in order, nothing missing: the customer saw every message,
            # the agent everything after the assignment it connected with.
            cust = run.customers[i].seen[conv]
            assert cust == stored, conv
            agent_seen = run.agent.seen[conv]
            assert agent_seen == stored[len(stored) - len(agent_seen):], conv
            assert {f"c{i}-{n}" for n in range(PER_SIDE)} <= {cid for _s, cid in agent_seen}
        assert not any(s.duplicates for s in everyone), [s.duplicates for s in everyone]
    finally:
        victim.stop()
        survivor.stop()
        redis.cleanup()
