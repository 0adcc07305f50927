"""HTTPS to a pinned address: the connection goes to the checked IP while the certificate is
still verified against the host name (a local TLS receiver with its own certificate)."""

from __future__ import annotations

import shutil
import ssl
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import pytest

from walletdesk.webhooks import sender


@pytest.fixture
def tls_receiver(tmp_path: Path) -> Iterator[tuple[int, Path]]:
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a certificate")
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key),
                    "-out", str(cert), "-days", "1", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=DNS:localhost"], capture_output=True, check=True)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self.send_response(204)
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            return

    server = HTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], cert
    finally:
        server.shutdown()
        server.server_close()


def test_certificate_checked_against_the_name(tls_receiver: tuple[int, Path],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    port, cert = tls_receiver
    untrusted = sender.post(f"https://localhost:{port}/hook", b"{}", {})
    assert (untrusted.status_code, untrusted.error) == (None, "tls_error")
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # now our test certificate is trusted
    trusted = sender.post(f"https://localhost:{port}/hook", b"{}", {})
    assert (trusted.status_code, trusted.ok) == (204, True)
    wrong_name = sender.post(f"https://127.0.0.1:{port}/hook", b"{}", {})  # certificate is for localhost
    assert wrong_name.error == "tls_error"
