"""`walletdesk serve --workers 2` binds the SMTP port once; `walletdesk smtpd` runs on its own."""

from __future__ import annotations

import os
import smtplib
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from .conftest import SUPPORT, Sink, free_port, mail

CLI = [sys.executable, "-m", "walletdesk.cli"]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    var = tmp_path_factory.mktemp("mailroom-live")
    env = {**os.environ, "WALLETDESK_VAR_DIR": str(var),
           "WALLETDESK_DATABASE_URL": f"sqlite:///{var / 'live.sqlite3'}",
           "WALLETDESK_LOG_LEVEL": "INFO", "WALLETDESK_WORKER_POLL": "0.2",
           "WALLETDESK_SUPPORT_EMAIL": SUPPORT}
    for name in ("WALLETDESK_REDIS_URL", "WALLETDESK_DEV_OUTBOX", "WALLETDESK_PRODUCTION"):
        env.pop(name, None)
    subprocess.run([*CLI, "migrate", "--noinput", "-v0"], env=env, check=True)
    return {"env": env, "var": var}


def wait_port(port: int, proc: subprocess.Popen[Any], log: Path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with smtplib.SMTP("127.0.0.1", port, timeout=2) as client:
                client.noop()
            return
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError(log.read_text()) from None
            time.sleep(0.3)
    raise RuntimeError(f"port {port} never answered:\n{log.read_text()}")


def deliver(port: int) -> str:
    with smtplib.SMTP("127.0.0.1", port, timeout=30) as client:
        client.ehlo()
        client.mail("wang.fang@example.net")
        client.rcpt(SUPPORT)
        code, text = client.data(mail().as_bytes())
    assert code == 250, text
    return text.decode()


@pytest.fixture
def sink_port() -> Iterator[tuple[int, Sink]]:
    box, port = Sink(), free_port()
    ctl = Controller(box, hostname="127.0.0.1", port=port)
    ctl.start()
    yield port, box
    ctl.stop()


def _stop(proc: subprocess.Popen[Any]) -> int:
    proc.terminate()
    try:
        return proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        return proc.wait(timeout=10)


def test_serve_with_two_workers_listens_once_and_answers_by_mail(site: dict[str, Any],
                                                                 sink_port: tuple[int, Sink]) -> None:
    smtp_port, (out_port, sink) = free_port(), sink_port
    env = {**site["env"], "WALLETDESK_SMTP_LISTEN": f"127.0.0.1:{smtp_port}",
           "WALLETDESK_SMTP_PORT": str(out_port)}
    log = site["var"] / "serve.log"
    with log.open("w") as fh:
        proc = subprocess.Popen([*CLI, "serve", "--workers", "2", "--port", str(free_port()),
                                 "--no-collectstatic", "--log-level", "warning"],
                                env=env, stdout=fh, stderr=subprocess.STDOUT)
    try:
        wait_port(smtp_port, proc, log)
        assert deliver(smtp_port).startswith("2.0.0 Received as CS-")
        assert sink.got.wait(60), log.read_text()  # a web worker's job thread sent the acknowledgement
        assert sink.mails[0]["Auto-Submitted"] == "auto-replied"
    finally:
        _stop(proc)
    text = log.read_text()
    assert text.count("SMTP listener for") == 1, text
    assert "SMTP listener not started" not in text, text


def test_smtpd_command_runs_alone(site: dict[str, Any]) -> None:
    port = free_port()
    log = site["var"] / "smtpd.log"
    with log.open("w") as fh:
        proc = subprocess.Popen([*CLI, "smtpd", "--listen", f"127.0.0.1:{port}"], env=site["env"],
                                stdout=fh, stderr=subprocess.STDOUT)
    try:
        wait_port(port, proc, log)
        assert deliver(port).startswith("2.0.0 Received as CS-")
    finally:
        assert _stop(proc) == 0
    assert f"listening on 127.0.0.1:{port}" in log.read_text()


def test_serve_comes_up_when_the_smtp_port_is_taken(site: dict[str, Any]) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        env = {**site["env"], "WALLETDESK_SMTP_LISTEN": f"127.0.0.1:{taken.getsockname()[1]}"}
        web = free_port()
        log = site["var"] / "serve-taken.log"
        with log.open("w") as fh:
            proc = subprocess.Popen([*CLI, "serve", "--port", str(web), "--no-collectstatic", "--no-worker",
                                     "--log-level", "warning"], env=env, stdout=fh,
                                    stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                try:
                    socket.create_connection(("127.0.0.1", web), timeout=1).close()
                    break
                except OSError:
                    assert proc.poll() is None, log.read_text()
                    time.sleep(0.3)
            else:
                raise AssertionError(log.read_text())
        finally:
            _stop(proc)
    assert "SMTP listener not started" in log.read_text()
