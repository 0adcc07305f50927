"""The inbound SMTP listener (aiosmtpd): envelope checks here, the mail itself in ``services``.

* RCPT: only the support address is taken; anything else gets 550.
* Size: aiosmtpd refuses more than ``WALLETDESK_SMTP_MAX_BYTES`` with 552 (announced
  in EHLO as SIZE, checked against MAIL FROM's SIZE= and while reading DATA).
* DATA: ``services.receive`` runs in a worker thread (the database is synchronous);
  its answer is the SMTP reply. An unexpected error is a 451, so the sending MTA
  tries again later instead of losing the mail.

The listener runs in a thread of its own event loop, so it fits in ``walletdesk
serve`` (once, in the supervising process) and in ``walletdesk smtpd``.
"""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from aiosmtpd.controller import Controller
from django.db import close_old_connections

from . import conf, services

log = logging.getLogger(__name__)
# aiosmtpd logs every SMTP command at INFO; keep only its warnings unless asked otherwise.
if logging.getLogger("mail.log").level == logging.NOTSET:
    logging.getLogger("mail.log").setLevel(logging.WARNING)


def _receive(raw: bytes, mail_from: str) -> str:
    close_old_connections()
    try:
        return services.receive(raw, mail_from).reply
    finally:
        close_old_connections()


class SupportMailHandler:
    def __init__(self, cfg: conf.Config) -> None:
        self.cfg = cfg
        self.executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="walletdesk-smtp-db")

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          rcpt_options: list[str]) -> str:
        if address.strip().lower() != self.cfg.support_email:
            return f"550 5.1.1 <{address[:100]}>: no such mailbox here; write to {self.cfg.support_email}"
        if address not in envelope.rcpt_tos:
            envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        raw = envelope.original_content or envelope.content or b""
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        mail_from = (envelope.mail_from or "").strip()
        mail_from = "" if mail_from == "<>" else mail_from  # the null sender of bounces
        try:
            return await asyncio.get_running_loop().run_in_executor(self.executor, _receive, raw, mail_from)
        except Exception:
            log.exception("could not take a support mail from %r", mail_from)
            return "451 4.3.0 Temporary failure; please try again later"


def controller(cfg: conf.Config, listen: tuple[str, int]) -> Controller:
    host, port = listen
    return Controller(SupportMailHandler(cfg), hostname=host, port=port,
                      server_hostname=cfg.message_id_domain, ident="walletdesk smtpd",
                      data_size_limit=cfg.max_bytes, enable_SMTPUTF8=True, timeout=60)


def start(listen: tuple[str, int] | None = None) -> Controller | None:
    """Start the listener in a thread; None when it is switched off. Raises when it cannot bind."""
    cfg = conf.get()
    where = listen or cfg.listen
    if where is None:
        return None
    ctl = controller(cfg, where)
    ctl.start()
    log.info("SMTP listener for %s on %s:%s", cfg.support_email, *where)
    return ctl


def start_for_serve() -> Controller | None:
    """``walletdesk serve``: a listener that cannot bind (port taken) is logged, not fatal:
    the web server must come up anyway."""
    try:
        return start()
    except (OSError, RuntimeError) as exc:
        log.error("SMTP listener not started (%s); inbound support mail is off", exc)
        return None
