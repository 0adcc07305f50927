"""PostgreSQL from the event loop itself, for the chat's one statement per message.

A chat message is one statement (``chat._INSERT_PG``: sequence number, permission check and
insert). Run through ``database_sync_to_async`` it costs more around the statement than in it:
a hand-off to a worker thread (queue, wake-up, the GIL passed back and forth), a connection
taken from and returned to Django's pool, and a wake-up of the loop for the result (profile of
``bench_chat``, issue #21: a fifth of a busy server's time). Here the statement goes out on an
asynchronous psycopg connection of the loop, with Django's connection parameters (its adapters,
client-side binding, autocommit): the same SQL text, one round trip, no thread.

Each event loop keeps at most ``SIZE`` connections, opened when needed and reused (as many
statements at once as the worker threads and Django's pool allowed before: a slow PostgreSQL
must not queue messages behind fewer connections; a quiet server uses one or two). A
connection that failed (PostgreSQL restarted, a network error) is closed and never reused; the
error reaches the caller as it did through the thread pool. Only the hot statement runs here;
everything else (the rare paths of a message too) stays on Django's connections.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import psycopg
from django.db import connections

SIZE = 8

_pools: dict[int, _Pool] = {}


class _Pool:
    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.idle: list[psycopg.AsyncConnection[Any]] = []
        self.opened: set[psycopg.AsyncConnection[Any]] = set()
        self.slots = asyncio.Semaphore(SIZE)

    async def _open(self) -> psycopg.AsyncConnection[Any]:
        params = connections["default"].get_connection_params()
        params["cursor_factory"] = psycopg.AsyncClientCursor  # as Django: values bound client-side
        conn = await psycopg.AsyncConnection.connect(autocommit=True, **params)
        self.opened.add(conn)
        return conn

    def discard(self, conn: psycopg.AsyncConnection[Any]) -> None:
        self.opened.discard(conn)
        with contextlib.suppress(Exception):
            conn.pgconn.finish()

    def close(self) -> None:
        for conn in list(self.opened):
            self.discard(conn)
        self.idle.clear()


def _pool() -> _Pool:
    loop = asyncio.get_running_loop()
    found = _pools.get(id(loop))
    if found is None or found.loop is not loop:
        for key, old in list(_pools.items()):  # loops that ended (a test's) leave their sockets
            if old.loop.is_closed():
                old.close()
                del _pools[key]
        found = _pools[id(loop)] = _Pool(loop)
    return found


def enabled() -> bool:
    return connections["default"].vendor == "postgresql"


@contextlib.asynccontextmanager
async def cursor() -> AsyncIterator[psycopg.AsyncCursor[Any]]:
    """A cursor on one of the loop's connections (autocommit: each statement commits)."""
    pool = _pool()
    async with pool.slots:
        conn = pool.idle.pop() if pool.idle else await pool._open()
        try:
            async with conn.cursor() as cur:
                yield cur
        except BaseException:
            idle = psycopg.pq.TransactionStatus.IDLE
            if conn.closed or conn.broken or conn.info.transaction_status != idle:
                pool.discard(conn)
            else:
                pool.idle.append(conn)
            raise
        pool.idle.append(conn)


def close_all() -> None:
    """Close every loop's connections (tests, before their database is dropped)."""
    for pool in list(_pools.values()):
        pool.close()
    _pools.clear()
