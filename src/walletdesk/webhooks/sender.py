"""One HTTP POST to a checked address (urllib3), never inside a database transaction.

The connection goes to the address that ``safety.check`` approved, with the
original host name in the ``Host`` header and as the TLS server name (so the
certificate is still checked against the name). No redirects, no retries here
(the delivery schedule retries), short timeouts, and at most 500 characters of
the answer are kept for the log.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import urllib3

from walletdesk.core.errors import DomainError

from . import safety

CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 10.0
SNIPPET = 500


@dataclass(frozen=True)
class Result:
    status_code: int | None
    snippet: str = ""
    error: str = ""
    duration_ms: int = 0

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def _pool(target: safety.Target) -> urllib3.HTTPConnectionPool:
    timeout = urllib3.Timeout(connect=CONNECT_TIMEOUT, read=READ_TIMEOUT)
    if target.scheme == "https":
        return urllib3.HTTPSConnectionPool(
            target.address, target.port, timeout=timeout, retries=False, maxsize=1,
            server_hostname=target.host, assert_hostname=target.host, cert_reqs="CERT_REQUIRED")
    return urllib3.HTTPConnectionPool(target.address, target.port, timeout=timeout,
                                      retries=False, maxsize=1)


def _host_header(target: safety.Target) -> str:
    default = 443 if target.scheme == "https" else 80
    host = f"[{target.host}]" if ":" in target.host else target.host
    return host if target.port == default else f"{host}:{target.port}"


def post(url: str, body: bytes, headers: dict[str, str]) -> Result:
    started = time.monotonic()

    def elapsed() -> int:
        return int((time.monotonic() - started) * 1000)

    try:
        target = safety.check(url)
    except DomainError as exc:
        return Result(None, error=exc.code, duration_ms=elapsed())
    pool = _pool(target)
    try:
        response = pool.urlopen("POST", target.path, body=body,
                                headers={**headers, "Host": _host_header(target)},
                                redirect=False, retries=False, preload_content=False)
        try:
            snippet = response.read(SNIPPET * 4, decode_content=True)[:SNIPPET * 4]
        finally:
            response.release_conn()
        text = snippet.decode("utf-8", "replace")[:SNIPPET]
        return Result(response.status, snippet=text, duration_ms=elapsed())
    except urllib3.exceptions.HTTPError as exc:
        return Result(None, error=_describe(exc), duration_ms=elapsed())
    finally:
        pool.close()


def _describe(exc: Exception) -> str:
    # NewConnectionError subclasses ConnectTimeoutError in urllib3 2: test it first.
    if isinstance(exc, urllib3.exceptions.NewConnectionError):
        return "connection_failed"
    if isinstance(exc, urllib3.exceptions.TimeoutError):
        return "timeout"
    if isinstance(exc, urllib3.exceptions.SSLError):
        return "tls_error"
    if isinstance(exc, urllib3.exceptions.ProtocolError):
        return "connection_failed"
    return f"http_error: {type(exc).__name__}"[:300]
