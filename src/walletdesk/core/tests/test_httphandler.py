"""HTTP through the ASGI application: one request runs on one thread of a bounded pool, from
``request_started`` to ``request_finished`` (``core/httphandler.py``, issue #16)."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from django.core import signals
from django.db import connection
from django.test import Client

from walletdesk.asgi import application
from walletdesk.core.httphandler import OneHandoffASGIHandler


async def call(app: Any, path: str, headers: list[tuple[bytes, bytes]] | None = None,
               method: str = "GET", body: bytes = b"") -> dict[str, Any]:
    """One HTTP request through an ASGI application, as a server would make it."""
    path, _q, query = path.partition("?")
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
             "method": method, "scheme": "http", "path": path, "raw_path": path.encode(),
             "query_string": query.encode(), "root_path": "",
             "headers": [(b"host", b"testserver"), *(headers or [])],
             "client": ("127.0.0.1", 50000), "server": ("testserver", 80)}
    delivered = False

    async def receive() -> dict[str, Any]:
        nonlocal delivered
        if not delivered:
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}
        await asyncio.Event().wait()  # the client stays connected
        raise AssertionError("unreachable")

    out: dict[str, Any] = {"status": None, "headers": {}, "body": b"", "messages": 0}

    async def send(message: dict[str, Any]) -> None:
        out["messages"] += 1
        if message["type"] == "http.response.start":
            out["status"] = message["status"]
            out["headers"] = {k.decode().lower(): v.decode() for k, v in message["headers"]}
        else:
            out["body"] += message.get("body", b"")

    await app(scope, receive, send)
    return out


@pytest.fixture
def signal_threads() -> Iterator[list[tuple[str, int]]]:
    """Which thread sent request_started and request_finished, in order."""
    seen: list[tuple[str, int]] = []

    def started(**_kw: Any) -> None:
        seen.append(("started", threading.get_ident()))

    def finished(**_kw: Any) -> None:
        seen.append(("finished", threading.get_ident()))

    signals.request_started.connect(started)
    signals.request_finished.connect(finished)
    yield seen
    signals.request_started.disconnect(started)
    signals.request_finished.disconnect(finished)


@pytest.mark.django_db(transaction=True)
def test_a_request_runs_on_one_pool_thread_and_ends_with_request_finished(
        signal_threads: list[tuple[str, int]]) -> None:
    loop_threads: list[int] = []

    async def two() -> list[dict[str, Any]]:
        loop_threads.append(threading.get_ident())
        return [await call(application, "/healthz"), await call(application, "/help/")]

    health, page = async_to_sync(two)()
    assert health["status"] == 200 and page["status"] == 200
    assert "text/html" in page["headers"]["content-type"] and b"</html>" in page["body"]
    # Each request: started then finished once, both on the same thread, never the loop's.
    assert [kind for kind, _t in signal_threads] == ["started", "finished"] * 2
    for first, second in (signal_threads[0:2], signal_threads[2:4]):
        assert first[1] == second[1] != loop_threads[0]
    assert connection.connection is None or connection.in_atomic_block is False


@pytest.mark.django_db(transaction=True)
def test_a_streamed_csv_reads_the_database_on_the_request_thread(
        customer: Any, signal_threads: list[tuple[str, int]]) -> None:
    client = Client()
    client.force_login(customer)
    cookie = f"sessionid={client.cookies['sessionid'].value}".encode()

    out = async_to_sync(call)(application, "/wallet/history.csv", [(b"cookie", cookie)])
    assert out["status"] == 200, out["body"][:500]
    assert out["headers"]["content-type"].startswith("text/csv")
    lines = out["body"].decode("utf-8-sig").splitlines()
    assert lines == [lines[0]] and lines[0].startswith("时间（北京时间）,交易编号")  # no rows yet
    assert [kind for kind, _t in signal_threads] == ["started", "finished"]


@pytest.mark.django_db(transaction=True)
def test_a_process_never_runs_more_requests_at_once_than_its_threads() -> None:
    handler = OneHandoffASGIHandler(threads=2)
    running, peak, lock = [0], [0], threading.Lock()

    def slow_start(**_kw: Any) -> None:
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
        time.sleep(0.05)

    def end(**_kw: Any) -> None:
        with lock:
            running[0] -= 1

    signals.request_started.connect(slow_start)
    signals.request_finished.connect(end)
    try:
        async def burst() -> list[dict[str, Any]]:
            return list(await asyncio.gather(*(call(handler, "/healthz") for _ in range(6))))

        answers = async_to_sync(burst)()
    finally:
        signals.request_started.disconnect(slow_start)
        signals.request_finished.disconnect(end)
        handler.executor.shutdown()
    assert [a["status"] for a in answers] == [200] * 6  # all served: they queued
    assert peak[0] == 2 and running[0] == 0


@pytest.mark.django_db(transaction=True)
def test_an_error_in_a_view_is_still_a_response_and_ends_the_request(
        signal_threads: list[tuple[str, int]]) -> None:
    out = async_to_sync(call)(application, "/api/v1/wallet", [(b"accept", b"application/json")])
    assert out["status"] == 401  # no token: the API's typed refusal, through the handler
    assert [kind for kind, _t in signal_threads] == ["started", "finished"]
