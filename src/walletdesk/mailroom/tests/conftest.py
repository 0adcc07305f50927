"""Fixtures for support by email: the real listener on a free port, an SMTP sink, mail builders."""

from __future__ import annotations

import itertools
import smtplib
import socket
import threading
from collections.abc import Iterator
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from walletdesk.accounts.models import User
from walletdesk.core import clock
from walletdesk.mailroom import smtp
from walletdesk.support import services as support_services
from walletdesk.support.models import Agent

SUPPORT = "support@walletdesk.example"
AUTHSERV = "mx.walletdesk.example"
_n = itertools.count(1)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def mail_settings(settings: Any) -> Any:
    settings.MAILROOM = {"LISTEN": "off", "SUPPORT_EMAIL": f"walletdesk support <{SUPPORT}>",
                         "MAX_BYTES": 200_000, "SENDER_LIMIT_PER_HOUR": 5,
                         "TRUSTED_AUTHSERV_ID": AUTHSERV, "MESSAGE_ID_DOMAIN": ""}
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = free_port()  # nothing listens there until a sink takes it over
    settings.EMAIL_TIMEOUT = 5
    settings.DEV_OUTBOX = False
    return settings


@pytest.fixture
def listener(transactional_db: Any, mail_settings: Any) -> Iterator[int]:
    """The real aiosmtpd listener (``smtp.start``) on a free port; yields the port."""
    ctl = smtp.start(("127.0.0.1", free_port()))
    assert ctl is not None
    yield ctl.port
    ctl.stop()


class Sink:
    """A local SMTP server that keeps what it is given (stands in for the outbound relay)."""

    def __init__(self) -> None:
        self.mails: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.got = threading.Event()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        msg = BytesParser(policy=policy.default).parsebytes(envelope.original_content)
        self.mails.append(msg)
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        self.got.set()
        return "250 OK"


@pytest.fixture
def sink(mail_settings: Any) -> Iterator[Sink]:
    box = Sink()
    ctl = Controller(box, hostname="127.0.0.1", port=mail_settings.EMAIL_PORT)
    ctl.start()
    yield box
    ctl.stop()


def mail(subject: str = "我的转账没有到账", body: str = "你好，我昨天的转账还没有到账，请帮忙看看。",
         sender: str = "Wang Fang <wang.fang@example.net>", *, message_id: str | None = None,
         in_reply_to: str = "", references: str = "", to: str = SUPPORT,
         headers: dict[str, str] | None = None) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = clock.now().strftime("%a, %d %b %Y %H:%M:%S +0000")
    msg["Message-ID"] = message_id or f"<m{next(_n)}.{id(msg)}@example.net>"
    if in_reply_to:
        msg["In-Reply-To"] = in_reply_to
    if references:
        msg["References"] = references
    for k, v in (headers or {}).items():
        msg[k] = v
    msg.set_content(body)
    return msg


def send(port: int, msg: EmailMessage | bytes, *, mail_from: str = "wang.fang@example.net",
         rcpt: str = SUPPORT) -> tuple[int, str]:
    """One SMTP transaction with smtplib; returns the final (code, text) the server gave."""
    raw = msg if isinstance(msg, bytes) else msg.as_bytes(policy=policy.SMTP)
    with smtplib.SMTP("127.0.0.1", port, timeout=30) as client:
        client.ehlo("client.example.net")
        code, text = client.mail(mail_from)
        if code != 250:
            return code, text.decode()
        code, text = client.rcpt(rcpt)
        if code not in (250, 251):
            return code, text.decode()
        try:
            code, text = client.data(raw)
        except smtplib.SMTPDataError as exc:
            error = exc.smtp_error
            return exc.smtp_code, error.decode() if isinstance(error, bytes) else error
        return code, text.decode()


@pytest.fixture
def make_agent(db: Any) -> Any:
    def make(role: str = "agent", languages: list[str] | None = None) -> Agent:
        n = next(_n) + 9000
        user = User.objects.create_user(f"mailagent{n}@walletdesk.example", "pw-agent-123456", role=role,
                                        display_name=f"Agent {n}")
        agent = support_services.save_agent(Agent(
            user=user, display_name=f"李{n}", employee_id=f"WD{n}", skills=["general", "payments"],
            languages=languages or ["zh-hans", "en"], max_concurrent_chats=5))
        support_services.heartbeat(agent, Agent.Status.ONLINE)
        return agent

    return make
