from __future__ import annotations

import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand

from walletdesk.mailroom import conf, smtp


class Command(BaseCommand):
    help = ("Receive support email over SMTP (aiosmtpd) and turn it into conversations. "
            "In production run it as its own process behind the MX (docs/email-support.md).")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--listen", default="",
                            help="host:port (default: WALLETDESK_SMTP_LISTEN, else 127.0.0.1:2525)")

    def handle(self, *args: Any, **options: Any) -> None:
        listen = conf.parse_listen(options["listen"]) if options["listen"] else conf.get().listen
        ctl = smtp.start(listen or ("127.0.0.1", 2525))
        assert ctl is not None
        stop = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.set())
        self.stdout.write(f"walletdesk smtpd listening on {ctl.hostname}:{ctl.port}", ending="\n")
        self.stdout.flush()
        stop.wait()
        ctl.stop()
