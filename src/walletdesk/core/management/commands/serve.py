from __future__ import annotations

import argparse
import copy
import logging
import os
from typing import Any

import uvicorn
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from walletdesk.core.checks import refuse_unsafe_production


def _redact(value: Any) -> Any:
    if isinstance(value, str) and value.startswith("/") and "?" in value:
        return value.split("?", 1)[0] + "?[redacted]"
    return value


class RedactQueryStrings(logging.Filter):
    """Query strings never reach a log: they can carry credentials (a guest's key, a link's
    token). uvicorn logs the path with its query for every request and websocket handshake."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(_redact(a) for a in record.args)
        return True


def log_config() -> dict[str, Any]:
    """uvicorn's own logging, with query strings redacted on both of its handlers."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config["filters"] = {"redact_query": {"()": f"{__name__}.RedactQueryStrings"}}
    for handler in config["handlers"].values():
        handler["filters"] = ["redact_query"]
    return config


class Command(BaseCommand):
    help = "Serve the whole product (pages, API, websockets) over ASGI with uvicorn."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=1, help="ASGI processes")
        parser.add_argument("--no-worker", action="store_true",
                            help="do not run background jobs inside the server processes")
        parser.add_argument("--log-level", default="info")
        parser.add_argument("--no-collectstatic", action="store_true",
                            help="skip collectstatic (production collects once at release)")
        parser.add_argument("--smtp", action=argparse.BooleanOptionalAction, default=None,
                            help="start the inbound support-mail listener on WALLETDESK_SMTP_LISTEN "
                                 "(default: yes in development; production runs `walletdesk smtpd`)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            refuse_unsafe_production("serve")
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
        # In production static files are collected once at release (see docs/production.md):
        # several instances starting together must not race on them.
        if not (settings.PRODUCTION or options["no_collectstatic"]):
            call_command("collectstatic", interactive=False, verbosity=0)
        if settings.WORKER_MODE == "thread" and not options["no_worker"]:
            os.environ["WALLETDESK_INPROCESS_WORKER"] = "1"
        smtp_listener = not settings.PRODUCTION if options["smtp"] is None else options["smtp"]
        if smtp_listener:
            # A thread of this process, started once: with --workers N uvicorn spawns fresh
            # children that never run this code, so the port is bound a single time.
            from walletdesk.mailroom import smtp

            smtp.start_for_serve()
        uvicorn.run(
            "walletdesk.asgi:application",
            host=options["host"],
            port=options["port"],
            workers=options["workers"],
            log_level=options["log_level"],
            lifespan="off",
            log_config=log_config(),
            ws_max_size=1 << 20,
            # Chat frames are a few hundred bytes: per-message compression saves next to nothing
            # on the wire and keeps zlib state per socket (bench_chat, 1,000 sockets: about
            # 25 MB less RSS per process without it).
            ws_per_message_deflate=False,
            # On SIGTERM, open websockets and their tasks get this long to finish; then uvicorn
            # cancels them (without a bound a lingering chat task kept a process alive).
            timeout_graceful_shutdown=settings.SHUTDOWN_GRACE_SECONDS,
            # Slow clients: headers complete within WALLETDESK_HEADER_TIMEOUT seconds
            # (core/httpserver.py), idle keep-alive connections closed after 5 s, and a
            # request line plus headers of at most 16 KiB.
            http="walletdesk.core.httpserver:DeadlineHttpProtocol",
            # X-Forwarded-For is read by accounts.netutil, and only from the proxies in
            # WALLETDESK_TRUSTED_PROXIES: uvicorn must not rewrite the client address itself
            # (its default believes the header from any local connection).
            proxy_headers=False,
            timeout_keep_alive=5,
            h11_max_incomplete_event_size=16 * 1024,
        )
