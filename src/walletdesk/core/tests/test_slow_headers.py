"""A client that sends its request headers a byte at a time is cut off once the header
deadline passes; a normal request on the same server is answered (issue 15, finding 13)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import uvicorn

from walletdesk.core import httpserver

pytestmark = [pytest.mark.security]


async def hello(scope: Any, receive: Any, send: Any) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"ok"})


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[int]:
    monkeypatch.setattr(httpserver, "HEADER_SECONDS", 1.0)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(hello, http=httpserver.DeadlineHttpProtocol, lifespan="off",
                            log_level="warning", timeout_keep_alive=5)
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not srv.started:
        time.sleep(0.02)
    yield port
    srv.should_exit = True
    thread.join(5)


def test_slow_headers_are_cut_off(server: int) -> None:
    conn = socket.create_connection(("127.0.0.1", server), timeout=5)
    started = time.monotonic()
    closed = False
    for ch in b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 40:
        try:
            conn.sendall(bytes([ch]))
            time.sleep(0.2)
        except OSError:
            closed = True
            break
        conn.setblocking(False)
        try:
            if conn.recv(1) == b"":
                closed = True
                break
        except BlockingIOError:
            pass
        except ConnectionResetError:  # cut off with a reset rather than a FIN: closed all the same
            closed = True
            break
        finally:
            conn.setblocking(True)
    assert closed, "the server kept a slow-header connection open"
    assert time.monotonic() - started < 4


def test_a_normal_request_is_answered_and_kept_alive(server: int) -> None:
    conn = socket.create_connection(("127.0.0.1", server), timeout=5)
    for _ in range(2):  # a second request on the same connection, after the deadline
        conn.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        assert b"200" in conn.recv(1024).split(b"\r\n")[0]
        time.sleep(1.3)
