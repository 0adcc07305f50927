from __future__ import annotations

import os
from typing import Any

import uvicorn
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve the whole product (pages, API, websockets) over ASGI with uvicorn."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=1, help="ASGI processes")
        parser.add_argument("--no-worker", action="store_true",
                            help="do not run background jobs inside the server processes")
        parser.add_argument("--log-level", default="info")

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("collectstatic", interactive=False, verbosity=0)
        if settings.WORKER_MODE == "thread" and not options["no_worker"]:
            os.environ["WALLETDESK_INPROCESS_WORKER"] = "1"
        uvicorn.run(
            "walletdesk.asgi:application",
            host=options["host"],
            port=options["port"],
            workers=options["workers"],
            log_level=options["log_level"],
            lifespan="off",
            ws_max_size=1 << 20,
        )
