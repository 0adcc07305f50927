"""What one chat message costs the servers (issue #21): database statements and Redis commands
for a customer's message and for an agent's, counted on the wire through the real ASGI
application, the Redis pub/sub channel layer and PostgreSQL. A change that adds a round trip
to the hot path fails here, not only in the benchmark."""

from __future__ import annotations

import os
import threading
from collections import Counter
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from asgiref.sync import async_to_sync
from django.db import connection
from django.db.backends import utils as db_utils

from walletdesk.accounts.services import issue_token
from walletdesk.support import consumers
from walletdesk.support.services import conversations

from .test_websockets import connect, frames_until

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]
REDIS = os.environ.get("WALLETDESK_TEST_REDIS_URL", "")


class Wire:
    """Counts SQL statements (any thread) and Redis commands / round trips (any connection)."""

    def __init__(self) -> None:
        self.on = False
        self.sql: list[str] = []
        self.redis: Counter[str] = Counter()
        self.round_trips = 0
        self.hops = 0  # calls handed to a worker thread (database_sync_to_async)
        self.lock = threading.Lock()

    def reset(self) -> None:
        with self.lock:
            self.sql, self.redis, self.round_trips, self.hops = [], Counter(), 0, 0


@pytest.fixture
def wire(settings: Any, monkeypatch: Any) -> Iterator[Wire]:
    if connection.vendor != "postgresql" or not REDIS:
        pytest.skip("needs PostgreSQL and WALLETDESK_TEST_REDIS_URL")
    from channels.layers import channel_layers
    from redis.asyncio import connection as redis_conn

    settings.REDIS_URL = REDIS
    settings.CHANNEL_LAYERS = {"default": {
        "BACKEND": "walletdesk.support.layer.PubSubChannelLayer",
        "CONFIG": {"hosts": [{"address": REDIS}], "prefix": f"costs{os.getpid()}"}}}
    channel_layers.backends.clear()
    found = Wire()
    aexecute = psycopg.AsyncCursor.execute
    execute, pack, send = (db_utils.CursorWrapper._execute,  # type: ignore[attr-defined]
                           redis_conn.AbstractConnection.pack_command,
                           redis_conn.AbstractConnection.send_packed_command)

    def counted_execute(self: Any, sql: str, *args: Any) -> Any:
        if found.on:
            with found.lock:
                found.sql.append(sql)
        return execute(self, sql, *args)

    async def counted_aexecute(self: Any, query: Any, *args: Any, **kwargs: Any) -> Any:
        if found.on:  # the event loop's own connections (support.pgasync)
            with found.lock:
                found.sql.append(str(query))
        return await aexecute(self, query, *args, **kwargs)

    def counted_pack(self: Any, *args: Any) -> Any:
        if found.on:
            name = args[0].decode() if isinstance(args[0], bytes) else str(args[0])
            with found.lock:
                found.redis[name.split()[0].upper()] += 1
        return pack(self, *args)

    async def counted_send(self: Any, *args: Any, **kwargs: Any) -> Any:
        if found.on:
            with found.lock:
                found.round_trips += 1
        return await send(self, *args, **kwargs)

    monkeypatch.setattr(db_utils.CursorWrapper, "_execute", counted_execute)
    hop = consumers.database_sync_to_async

    def counted_hop(fn: Any) -> Any:
        if found.on:
            with found.lock:
                found.hops += 1
        return hop(fn)

    monkeypatch.setattr(consumers, "database_sync_to_async", counted_hop)
    monkeypatch.setattr(psycopg.AsyncCursor, "execute", counted_aexecute)
    monkeypatch.setattr(redis_conn.AbstractConnection, "pack_command", counted_pack)
    monkeypatch.setattr(redis_conn.AbstractConnection, "send_packed_command", counted_send)
    monkeypatch.setattr(consumers.ChatBase, "RECHECK_SECONDS", 3600.0)  # no loop round inside
    yield found
    channel_layers.backends.clear()
    with connection.cursor() as cur:  # the chat threads keep theirs: let the test database go
        cur.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()")
    # The pool's idle connections were among them: start a fresh pool for the tests after.
    connection.close()
    if hasattr(connection, "close_pool"):
        connection.close_pool()


async def _measure(chat: dict[str, Any], wire: Wire) -> dict[str, Any]:
    conv = chat["conv"].pk
    cust = connect(f"/ws/support/conversations/{conv}/?after_seq=0", chat["ctoken"])
    agent = connect("/ws/agent/", chat["atoken"])
    assert (await cust.connect())[0] and (await agent.connect())[0]
    await frames_until(cust, lambda f: f["type"] == "resumed")
    await agent.send_json_to({"type": "resume", "conversation_id": conv, "after_seq": 0})
    await frames_until(agent, lambda f: f["type"] == "resumed")
    out: dict[str, Any] = {}
    for n in range(3):  # the first of each is a warm-up (connections, prepared paths)
        for side, frame in (("customer", {"type": "message", "text": f"客户 {n}", "client_id": f"c{n}"}),
                            ("agent", {"type": "message", "conversation_id": conv, "text": f"坐席 {n}",
                                       "client_id": f"a{n}"})):
            wire.reset()
            wire.on = True
            await (cust if side == "customer" else agent).send_json_to(frame)
            await frames_until(agent, lambda f, c=frame["client_id"]: f.get("client_id") == c)
            await frames_until(cust, lambda f, c=frame["client_id"]: f.get("client_id") == c)
            wire.on = False
            out[side] = {"sql": list(wire.sql), "redis": dict(wire.redis), "round_trips": wire.round_trips,
                         "hops": wire.hops}
    await cust.disconnect()
    await agent.disconnect()
    return out


@pytest.fixture
def chat(make_agent: Any, make_customer: Any) -> dict[str, Any]:
    agent, customer = make_agent(), make_customer()
    opened = conversations.open_conversation(customer, topic="general", message="到账了吗",
                                             use_triage=False)
    conversations.accept(agent, opened.conversation)
    return {"conv": opened.conversation, "ctoken": issue_token(customer), "atoken": issue_token(agent.user)}


def test_one_statement_and_two_redis_round_trips_per_message(chat: dict[str, Any], wire: Wire) -> None:
    costs = async_to_sync(_measure)(chat, wire)
    for side in ("customer", "agent"):
        got = costs[side]
        # The message: sequence number, permission check (agents) and insert in one statement,
        # sent from the event loop itself (no hand-off to a worker thread).
        assert len(got["sql"]) == 1 and got["sql"][0].startswith("WITH s AS"), (side, got)
        assert got["hops"] == 0, (side, got)
        # The rate count (INCR + EXPIRE NX, one pipelined round trip) and the group send.
        assert got["redis"] == {"INCRBY": 1, "EXPIRE": 1, "PUBLISH": 1}, (side, got)
        assert got["round_trips"] == 2, (side, got)
