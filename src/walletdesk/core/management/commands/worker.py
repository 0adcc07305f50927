from __future__ import annotations

import signal
import threading
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from walletdesk.core.checks import refuse_unsafe_production
from walletdesk.core.services import jobs


class Command(BaseCommand):
    help = "Run background jobs (sweepers, network callbacks, notifications) until stopped."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--once", action="store_true", help="run what is due now, then exit")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            refuse_unsafe_production("worker")
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
        if options["once"]:
            ran = jobs.run_pending(limit=10_000)
            self.stdout.write(f"ran {ran} job(s)")
            return
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        signal.signal(signal.SIGINT, lambda *_: stop.set())
        jobs.run_forever(stop, settings.WORKER_POLL_SECONDS)
