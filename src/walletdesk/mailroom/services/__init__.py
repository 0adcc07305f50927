"""Inbound support mail: the one place that turns a received mail into support records.

``receive()`` answers with the SMTP reply the listener sends back. Rules (see
docs/email-support.md and ADR 0080-0081):

* refused: malformed mail (5xx from ``parse``);
* accepted but not answered (recorded as ``ignored`` with the reason): automatic
  mail (auto-replies, bounces, lists), our own mail coming back, a sender over
  its hourly budget (a loop), a Message-ID we already have (a retried delivery);
* threaded: the reference number in the subject, or In-Reply-To / References
  naming a mail of the thread, *and* the From is the thread's address (and, for
  a conversation attached to an account, vouched for like the first mail);
* otherwise a new conversation of channel ``email``: attached to the account
  only when the From is a verified address on file *and* our MX reports DMARC
  pass for it; a guest conversation with that contact in every other case.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from walletdesk.accounts.models import User
from walletdesk.core import clock
from walletdesk.support import masking, snapshot
from walletdesk.support.errors import InvalidAttachment
from walletdesk.support.models import Conversation, Message
from walletdesk.support.services import chat, conversations

from .. import conf
from ..models import EmailMessage, EmailThread
from ..parse import REFERENCE_RE, Malformed, Parsed, Part, new_part, parse
from . import outbound

log = logging.getLogger(__name__)

MAX_IMAGES = 5
ENDED = (Conversation.Status.RESOLVED, Conversation.Status.CLOSED)


@dataclass
class Outcome:
    reply: str  # the SMTP answer
    status: str  # "stored", "ignored", "refused"
    reason: str = ""
    conversation: Conversation | None = None


def receive(raw: bytes, mail_from: str = "") -> Outcome:
    """One mail that passed the envelope checks (recipient, size) of the listener."""
    cfg = conf.get()
    try:
        parsed = parse(raw, mail_from, cfg.authserv_id)
    except Malformed as exc:
        log.info("refused a malformed mail from %r: %s", mail_from, exc.reply)
        return Outcome(exc.reply, "refused", "malformed")
    reason = parsed.auto_reason or _loop_reason(parsed, cfg)
    if reason == "duplicate":  # the sending MTA retried a delivery we had already taken
        return Outcome("250 2.0.0 Already received", "ignored", reason)
    if reason:
        _ignore(parsed, reason)
        return Outcome("250 2.0.0 Accepted; automatic or looping mail is not answered", "ignored",
                       reason)
    try:
        with transaction.atomic():
            conv = _store(parsed, cfg)
    except IntegrityError:
        if EmailMessage.objects.filter(direction=EmailMessage.Direction.IN,
                                       message_id=parsed.message_id).exists():
            return Outcome("250 2.0.0 Already received", "ignored", "duplicate")
        raise
    return Outcome(f"250 2.0.0 Received as {conv.reference}", "stored", conversation=conv)


def _loop_reason(parsed: Parsed, cfg: conf.Config) -> str:
    if outbound.is_our_message_id(parsed.message_id) or parsed.from_address == cfg.support_email:
        return "own_mail"  # our own outbound came back (a forward or an alias loop)
    if EmailMessage.objects.filter(direction=EmailMessage.Direction.IN,
                                   message_id=parsed.message_id).exists():
        return "duplicate"
    since = clock.now() - timedelta(hours=1)
    recent = EmailMessage.objects.filter(direction=EmailMessage.Direction.IN,
                                         from_address=parsed.from_address, created_at__gte=since)
    if recent.count() >= cfg.sender_limit:
        return "rate"
    return ""


def _ignore(parsed: Parsed, reason: str) -> None:
    """Record what was dropped (headers only, no body) so an operator can see it."""
    message_id = parsed.message_id
    if EmailMessage.objects.filter(direction=EmailMessage.Direction.IN, message_id=message_id).exists():
        return
    try:
        with transaction.atomic():
            _row(parsed, None, EmailMessage.Status.IGNORED, reason=reason, body=False)
    except IntegrityError:
        pass  # the same mail delivered twice at once


def _row(parsed: Parsed, thread: EmailThread | None, status: str, *, reason: str = "",
         body: bool = True, dropped: list[dict[str, object]] | None = None) -> EmailMessage:
    return EmailMessage.objects.create(
        thread=thread, direction=EmailMessage.Direction.IN, kind=EmailMessage.Kind.CUSTOMER,
        status=status, reason=reason, message_id=parsed.message_id, in_reply_to=parsed.in_reply_to,
        references=" ".join(parsed.references)[:4000], from_address=parsed.from_address[:254],
        to_address=conf.get().support_email, subject=parsed.subject,
        # Masked like every chat message (ADR 0051): the raw mail is never kept.
        body_text=masking.mask(parsed.text[:100_000]).text if body else "",
        dropped_attachments=dropped or [], created_at=clock.now())


# --- threading ---------------------------------------------------------------------------------

def _vouched(parsed: Parsed) -> bool:
    return parsed.from_domain in parsed.authenticated_domains


def _may_join(thread: EmailThread | None, parsed: Parsed) -> bool:
    if thread is None or thread.address != parsed.from_address:
        return False
    return not thread.sender_verified or _vouched(parsed)


def find_thread(parsed: Parsed) -> EmailThread | None:
    """The thread this mail answers, if its sender may write into it."""
    candidates: list[EmailThread] = []
    for ref in REFERENCE_RE.findall(parsed.subject):
        thread = EmailThread.objects.select_related("conversation").filter(
            conversation__reference=ref).first()
        if thread is not None:
            candidates.append(thread)
    ids = [i for i in [parsed.in_reply_to, *reversed(parsed.references)] if i]
    if ids:
        mail = (EmailMessage.objects.select_related("thread__conversation")
                # both directions named: the (direction, message_id) unique index serves it
                .filter(direction__in=EmailMessage.Direction.values, message_id__in=ids,
                        thread__isnull=False).order_by("-created_at", "-pk").first())
        if mail is not None and mail.thread is not None:
            candidates.append(mail.thread)
    for thread in candidates:
        if _may_join(thread, parsed):
            return thread
    return None


# --- storing -----------------------------------------------------------------------------------

def _client_id(message_id: str, n: int = 0) -> str:
    return f"mail-{hashlib.sha256(message_id.encode()).hexdigest()[:40]}-{n}"


def _clip(text: str, lang: str, note: str = "") -> str:
    """The text within the chat's limit, with ``note`` (dropped attachments) always kept."""
    room = chat.MAX_TEXT - len(note)
    if len(text) > room:
        with translation.override(lang):
            tail = "\n" + _("[cut here: the whole mail is kept with the conversation's emails]")
        text = text[: room - len(tail)].rstrip() + tail
    return (text + note).strip()


def _sort_attachments(parsed: Parsed) -> tuple[list[tuple[int, Part]], list[dict[str, object]]]:
    """Images within the chat's limits are kept (at most five); anything else is only listed
    (ADR 0082: no arbitrary files reach an agent's machine)."""
    kept: list[tuple[int, Part]] = []
    dropped: list[dict[str, object]] = []
    for n, part in enumerate(parsed.attachments, start=1):
        if len(kept) < MAX_IMAGES and part.content_type.startswith("image/"):
            try:
                chat.check_image(part.data)
                kept.append((n, part))
                continue
            except InvalidAttachment:
                pass
        dropped.append({"filename": part.filename, "content_type": part.content_type,
                        "size": len(part.data)})
    return kept, dropped


def _dropped_note(dropped: list[dict[str, object]], lang: str) -> str:
    if not dropped:
        return ""
    names = ", ".join(str(d["filename"] or d["content_type"]) for d in dropped)[:300]
    with translation.override(lang):
        return "\n\n" + _("[Attachments not kept (only images up to 5 MB are): %(names)s]") % {
            "names": names}


def _store(parsed: Parsed, cfg: conf.Config) -> Conversation:
    thread = find_thread(parsed)
    kept, dropped = _sort_attachments(parsed)
    if thread is not None and thread.conversation.status not in ENDED:
        row = _row(parsed, thread, EmailMessage.Status.STORED, dropped=dropped)
        _post_reply(thread, parsed, row, kept, _dropped_note(dropped, thread.conversation.language))
        return thread.conversation
    return _open(parsed, kept, dropped)


def _open(parsed: Parsed, kept: list[tuple[int, Part]], dropped: list[dict[str, object]]) -> Conversation:
    account = outbound.verified_account(parsed.from_address)
    attached = account if account is not None and _vouched(parsed) else None
    lang = account.language if account is not None else parsed.language_hint
    region = account.region if account is not None else "CN"
    with translation.override(lang):
        subject = parsed.subject or parsed.text.strip().split("\n", 1)[0][:80] or _("(no subject)")
    description = _clip(f"{subject}\n\n{parsed.text}".strip(), lang, _dropped_note(dropped, lang))
    if attached is not None:
        ctx = snapshot.snapshot(attached)
    else:
        ctx = snapshot.guest_snapshot(parsed.from_address, region, lang)
    ctx["email"] = {"from": parsed.from_address, "name": parsed.from_name, "subject": subject,
                    "sender_verified": attached is not None}
    # First: a second delivery of the same mail stops here (unique Message-ID).
    row = _row(parsed, None, EmailMessage.Status.STORED, dropped=dropped)
    conv, _open_now, _next = conversations._create(
        customer=attached, topic="general", description=description, lang=lang, region=region,
        ctx=ctx, txn_id="", channel=Conversation.Channel.EMAIL, use_triage=True,
        guest_contact="" if attached else parsed.from_address)
    thread = EmailThread.objects.create(conversation=conv, address=parsed.from_address,
                                        display_name=parsed.from_name, subject=subject[:255],
                                        sender_verified=attached is not None)
    first = Message.objects.filter(conversation=conv, client_id=f"open-{conv.reference}").first()
    EmailMessage.objects.filter(pk=row.pk).update(thread=thread, support_message=first)
    _post_images(conv, attached, parsed.message_id, kept)
    outbound.queue_ack(thread, parsed.message_id)
    return conv


def _post_reply(thread: EmailThread, parsed: Parsed, row: EmailMessage, kept: list[tuple[int, Part]],
                note: str) -> None:
    conv = thread.conversation
    author = conv.customer if thread.sender_verified else None
    text = _clip(new_part(parsed.text) or parsed.text, conv.language, note)
    message = None
    if text:
        # ConversationClosed (resolved meanwhile) rolls back: the listener answers 451 and
        # the retried delivery opens a follow-up conversation.
        message = chat.post(conv, author, text, client_id=_client_id(parsed.message_id)).message
    _post_images(conv, author, parsed.message_id, kept)
    EmailMessage.objects.filter(pk=row.pk).update(support_message=message)


def _post_images(conv: Conversation, author: User | None, message_id: str,
                 kept: list[tuple[int, Part]]) -> None:
    for n, part in kept:
        chat.post_image(conv, author, part.data, client_id=_client_id(message_id, n))
