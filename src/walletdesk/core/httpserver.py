"""The HTTP protocol `walletdesk serve` runs: uvicorn's, plus a deadline for request headers.

uvicorn closes a connection that stays idle between requests (`timeout_keep_alive`), but a
client that sends its headers a byte at a time (slowloris) cancels that timer with every
byte and can hold a connection, and a slot of the server, forever. Here each request's
headers must be complete within `header_seconds()` of the connection opening or of the request's
first byte; otherwise the connection is closed. An idle kept-alive connection is uvicorn's
`timeout_keep_alive`.
"""

from __future__ import annotations

import asyncio

from django.conf import settings
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

# None: settings.HEADER_TIMEOUT_SECONDS (WALLETDESK_HEADER_TIMEOUT), read when a connection
# opens: uvicorn imports this class before the application, so before Django's settings are
# sure to be configured.
HEADER_SECONDS: float | None = None


def header_seconds() -> float:
    return HEADER_SECONDS if HEADER_SECONDS is not None else float(settings.HEADER_TIMEOUT_SECONDS)


class DeadlineHttpProtocol(HttpToolsProtocol):
    _header_deadline: asyncio.TimerHandle | None = None
    _in_request = False

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()  # a connection that sends nothing at all

    def data_received(self, data: bytes) -> None:
        if not self._in_request and self._header_deadline is None:
            self._arm()  # the first bytes of the next request on a kept-alive connection
        super().data_received(data)

    def on_headers_complete(self) -> None:
        self._disarm()
        self._in_request = True
        super().on_headers_complete()

    def on_response_complete(self) -> None:
        self._in_request = False
        super().on_response_complete()  # idle from here: uvicorn's keep-alive timeout

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        self._disarm()
        self._header_deadline = self.loop.call_later(header_seconds(), self._too_slow)

    def _disarm(self) -> None:
        if self._header_deadline is not None:
            self._header_deadline.cancel()
            self._header_deadline = None

    def _too_slow(self) -> None:
        self._header_deadline = None
        if not self.transport.is_closing():
            self.transport.close()
