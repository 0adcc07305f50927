"""Outbound support mail: agents' replies and the acknowledgement of a new email conversation.

A row (``EmailMessage`` direction ``out``) is written first with our own
Message-ID, then the ``mailroom.deliver`` job sends it through Django's email
backend (SMTP). A failed send raises, so the job system retries it with
backoff; a retried send reuses the same Message-ID, so a mail that did leave
before a crash is recognised as the same one by the receiver.
"""

from __future__ import annotations

import logging
import re
import secrets
from datetime import timedelta
from email.utils import formataddr
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from walletdesk.accounts.models import User
from walletdesk.core import clock
from walletdesk.core.services import jobs
from walletdesk.notify import messages
from walletdesk.notify import services as notify
from walletdesk.support.events import verify_url
from walletdesk.support.models import Message

from .. import conf
from ..models import EmailMessage, EmailThread
from ..parse import REFERENCE_RE

log = logging.getLogger(__name__)

SENT_KINDS = (Message.Kind.TEXT, Message.Kind.IMAGE)
SWEEP_WINDOW = timedelta(days=2)
REPLY_PREFIX = re.compile(r"^\s*((re|fw|fwd|aw|sv|回复|答复|转发)\s*[:：]\s*)+", re.IGNORECASE)
MAX_REFERENCES = 10


class DeliveryFailed(Exception):
    pass


def verified_account(address: str) -> User | None:
    """The customer whose proven address this is. Used for the language and the anti-phishing
    phrase of mail sent *to* that address, never to grant access (ADR 0080)."""
    return User.objects.filter(email__iexact=address, is_active=True, verified_at__isnull=False,
                               role=User.Role.CUSTOMER).first()


def new_message_id() -> str:
    return f"wd.{secrets.token_hex(12)}@{conf.get().message_id_domain}"


def is_our_message_id(message_id: str) -> bool:
    """The shape ``new_message_id`` makes (staff mail from our own domain is not ours)."""
    local, _at, domain = message_id.lower().rpartition("@")
    return (domain == conf.get().message_id_domain and local.startswith("wd.") and len(local) == 27
            and all(c in "0123456789abcdef" for c in local[3:]))


def clean_subject(subject: str) -> str:
    return " ".join(REPLY_PREFIX.sub("", REFERENCE_RE.sub("", subject)).split())


def _threading(thread: EmailThread) -> tuple[str, str]:
    """In-Reply-To and References: the customer's last mail and the chain it carried."""
    last = (thread.mails.filter(direction=EmailMessage.Direction.IN)
            .order_by("-created_at", "-pk").first())
    if last is None:
        return "", ""
    chain = [*last.references.split(), last.message_id][-MAX_REFERENCES:]
    return last.message_id, " ".join(chain)


def queue_ack(thread: EmailThread, in_reply_to: str) -> None:
    """The automatic acknowledgement of a new email conversation (inside its transaction)."""
    row = EmailMessage.objects.create(
        thread=thread, direction=EmailMessage.Direction.OUT, kind=EmailMessage.Kind.ACK,
        status=EmailMessage.Status.QUEUED, message_id=new_message_id(), in_reply_to=in_reply_to,
        references=in_reply_to, to_address=thread.address)
    jobs.enqueue("mailroom.deliver", mail_id=row.pk)


def queue_reply(message_pk: int) -> None:
    """One ``mailroom.reply`` job per agent message, however often this is called."""
    jobs.enqueue("mailroom.reply", message_id=message_pk, unique_key=f"mailroom.reply:{message_pk}")


def unsent_replies(limit: int = 200) -> list[int]:
    """Agents' messages in recent email conversations that have no outbound mail yet.

    The chat stores messages on PostgreSQL with one SQL statement, without model signals,
    so the sweep (not the signal) is what guarantees that every answer leaves."""
    since = clock.now() - SWEEP_WINDOW
    recent = EmailThread.objects.filter(conversation__updated_at__gte=since).values("conversation_id")
    return list(Message.objects.filter(conversation_id__in=recent, role=Message.Role.AGENT,
                                       kind__in=SENT_KINDS, sent_at__gte=since, email__isnull=True)
                .order_by("pk").values_list("pk", flat=True)[:limit])


def reply_row(message_pk: int) -> EmailMessage | None:
    """The outbound row of an agent's message (created once; the job may run again)."""
    existing = EmailMessage.objects.filter(support_message_id=message_pk).first()
    if existing is not None:
        return existing
    msg = Message.objects.select_related("conversation").filter(pk=message_pk).first()
    thread = EmailThread.objects.filter(conversation_id=msg.conversation_id).first() if msg else None
    if msg is None or thread is None:
        return None
    in_reply_to, references = _threading(thread)
    try:
        with transaction.atomic():
            return EmailMessage.objects.create(
                thread=thread, direction=EmailMessage.Direction.OUT, kind=EmailMessage.Kind.REPLY,
                status=EmailMessage.Status.QUEUED, message_id=new_message_id(),
                in_reply_to=in_reply_to, references=references, to_address=thread.address,
                support_message=msg)
    except IntegrityError:
        return EmailMessage.objects.filter(support_message_id=message_pk).first()


def _context(row: EmailMessage) -> dict[str, Any]:
    assert row.thread is not None
    conv = row.thread.conversation
    subject = clean_subject(row.thread.subject)
    out: dict[str, Any] = {
        "reference": conv.reference, "subject": subject,
        "topic": subject or gettext_lazy("Your support request"),
        "site_url": settings.SITE_URL,
    }
    msg = row.support_message
    if msg is not None:
        out.update(text=msg.text, agent_name=msg.sender_name_in(), employee_id=msg.employee_id,
                   verify_url=settings.SITE_URL + verify_url(msg.employee_id) if msg.employee_id else "",
                   image=msg.kind == Message.Kind.IMAGE)
    return out


def compose(row: EmailMessage) -> EmailMultiAlternatives:
    thread = row.thread
    assert thread is not None
    conv = thread.conversation
    account = verified_account(thread.address)
    lang = account.language if account is not None else conv.language
    cfg = conf.get()
    kind = "ack" if row.kind == EmailMessage.Kind.ACK else "reply"
    # The one renderer (notify.messages): subject, text and HTML in the customer's language,
    # with their anti-phishing phrase (a guest's mail carries the advice to set one).
    with translation.override(lang):
        context = _context(row)
        sender = formataddr((_("walletdesk support"), cfg.support_email))
    message = messages.render(f"mailroom/{kind}", messages.Recipient.of(account, language=lang),
                              context)
    text, html, subject = message.body_for("email"), message.html, message.subject
    headers = {"Message-ID": f"<{row.message_id}>", "X-Walletdesk-Reference": conv.reference,
               "X-Auto-Response-Suppress": "All", "Content-Language": lang}
    if row.in_reply_to:
        headers["In-Reply-To"] = f"<{row.in_reply_to}>"
        headers["References"] = " ".join(f"<{i}>" for i in row.references.split())
    if kind == "ack":
        headers["Auto-Submitted"] = "auto-replied"  # RFC 3834: autoresponders must not answer it
    mail = EmailMultiAlternatives(subject, text, sender, [thread.address],
                                  headers=headers, reply_to=[cfg.support_email])
    mail.attach_alternative(html, "text/html")
    msg = row.support_message
    if msg is not None and msg.attachment is not None:
        ext = msg.attachment.content_type.rpartition("/")[2]
        mail.attach(f"{conv.reference}-{msg.seq}.{ext}", bytes(msg.attachment.data),
                    msg.attachment.content_type)
    return mail


def deliver(mail_id: int) -> None:
    row = (EmailMessage.objects.select_related("thread__conversation", "support_message__attachment")
           .filter(pk=mail_id, direction=EmailMessage.Direction.OUT).first())
    if row is None or row.status == EmailMessage.Status.SENT:
        return
    mail = compose(row)
    mine = EmailMessage.objects.filter(pk=row.pk)
    if settings.DEV_OUTBOX:
        notify.keep_copy("email", row.to_address, str(mail.body), subject=str(mail.subject))
    try:
        mail.send()
    except OSError as exc:  # smtplib.SMTPException is an OSError
        error = f"{type(exc).__name__}: {exc}"[:300]
        mine.update(status=EmailMessage.Status.FAILED, attempts=F("attempts") + 1, last_error=error)
        log.warning("support mail %s to %s not sent: %s", row.message_id, row.to_address, error)
        if settings.DEV_OUTBOX:
            return  # development: the outbox has it; no retries against a missing SMTP server
        raise DeliveryFailed(error) from exc
    mine.update(status=EmailMessage.Status.SENT, attempts=F("attempts") + 1, last_error="",
                sent_at=clock.now())
