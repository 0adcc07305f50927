"""Django's HTTP handling under ASGI in one thread hand-off per request (issue #16).

Django's own ``ASGIHandler`` runs a synchronous project through the async handler: every
request starts a new thread (``ThreadSensitiveContext``), and its middleware chain, view,
``request_started`` receivers and ``response.close()`` each cross between the event loop and
that thread (about five hand-offs). Under load those crossings were about 2 ms of CPU per
request, `/healthz` included (`docs/production.md`).

Here the whole request (``request_started``, the middleware chain, the view, the rendered
body and ``response.close()`` with ``request_finished``) runs in one call on a thread of a
bounded pool that lives as long as the process; only reading the body and sending the answer
stay on the event loop. Every view and middleware of the project is synchronous; an async
view still works (Django's synchronous handler runs it with ``async_to_sync``).

What stays as it was:
- one request's code runs on one thread, and its database connection, translation and time
  zone live in the request's own context (Django keeps them in context variables, not in the
  thread), so nothing carries over to the next request on the same thread;
- ``request_finished`` (Django closes the connection, which returns it to the pool) fires once
  per request, on the request's thread, once the body is complete (a synchronous stream, such
  as the CSV export, is read there first, as Django's handler reads it whole too);
- exceptions become responses as before (Django's ``convert_exception_to_response``).

The pool has ``settings.HTTP_THREADS`` threads (by default the database pool's ``max_size``):
a process never runs more requests at once than it has database connections, so a burst
queues here instead of waiting on the database pool and failing after its timeout.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core import signals
from django.core.exceptions import RequestAborted
from django.core.handlers.asgi import ASGIHandler, get_script_prefix
from django.core.handlers.base import BaseHandler
from django.http import FileResponse
from django.urls import set_script_prefix


class OneHandoffASGIHandler(ASGIHandler):
    """Django's ASGI handler with the synchronous middleware chain run once per request."""

    def __init__(self, threads: int | None = None) -> None:
        BaseHandler.__init__(self)
        self.load_middleware(is_async=False)  # the chain as WSGI runs it
        self.threads = threads or settings.HTTP_THREADS
        self.executor = ThreadPoolExecutor(max_workers=self.threads,
                                           thread_name_prefix="walletdesk-http")

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            raise ValueError(f"Django can only handle ASGI/HTTP connections, not {scope['type']}.")
        try:
            body_file = await self.read_body(receive)
        except RequestAborted:
            return
        try:
            response = await self._in_thread(self.respond, scope, body_file)
            await self.send_response(response, send)
            if not response.closed:  # an async stream: closed once sent
                await self._in_thread(response.close)
        finally:
            body_file.close()

    def respond(self, scope: dict[str, Any], body_file: Any) -> Any:
        """The request, from ``request_started`` to its response (closed unless streamed)."""
        set_script_prefix(get_script_prefix(scope))
        signals.request_started.send(sender=self.__class__, scope=scope)
        request, refusal = self.create_request(scope, body_file)
        response: Any = self.get_response(request) if request is not None else refusal
        response._handler_class = self.__class__
        if isinstance(response, FileResponse):
            response.block_size = self.chunk_size
        if response.streaming and not getattr(response, "is_async", False):
            # Read here, on the request's thread (a generator may query the database): Django's
            # own ASGI handler also reads a synchronous stream whole before sending it.
            response.streaming_content = _replay(list(response.streaming_content))
        elif response.streaming:
            return response  # an async stream is read on the event loop, then closed
        response.close()  # request_finished: the connection goes back to the pool
        return response

    async def _in_thread(self, func: Any, *args: Any) -> Any:
        return await sync_to_async(func, thread_sensitive=False, executor=self.executor)(*args)


async def _replay(parts: list[bytes]) -> AsyncIterator[bytes]:
    for part in parts:
        yield part
