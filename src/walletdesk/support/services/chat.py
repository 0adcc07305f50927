"""Messages: sequence numbers, client-id dedupe, masking, notes, images, read state.

Sequence numbers are allocated inside the transaction that stores the message:
``UPDATE conversation SET last_seq = last_seq + 1`` (a row lock on PostgreSQL,
the single writer on SQLite) and the unique (conversation, seq) constraint
behind it. A message re-sent with the same ``client_id`` (a reconnect that
missed the echo) returns the stored one instead of a second copy.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, connection, models, transaction
from django.db.models import F
from django.db.models.functions import Greatest

from walletdesk.core import clock, images
from walletdesk.core.errors import DomainError

from .. import events, masking
from ..errors import (
    ConversationClosed,
    ConversationNotFound,
    ConversationResolved,
    InvalidAttachment,
    InvalidMessage,
    NotYourConversation,
)
from ..models import Agent, Attachment, Conversation, Message

MAX_TEXT = 4000
MAX_CLIENT_ID = 64
MAX_IMAGE_BYTES = 5 * 1024 * 1024
MAX_IMAGE_SIDE = 8000
IMAGE_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/gif", "WEBP": "image/webp"}
ENDED = (Conversation.Status.RESOLVED, Conversation.Status.CLOSED)


@dataclass
class Posted:
    message: Message
    duplicate: bool = False
    masked: list[str] = field(default_factory=list)


_NEXT_SEQ = """
UPDATE support_conversation SET last_seq = last_seq + 1, updated_at = %s,
  status = CASE WHEN %s AND status = 'active' THEN 'waiting'
                WHEN %s AND status = 'waiting' THEN 'active' ELSE status END,
  first_response_at = CASE WHEN %s THEN COALESCE(first_response_at, %s) ELSE first_response_at END
WHERE id = %s{guard} RETURNING last_seq"""
_OPEN = " AND status NOT IN ('resolved', 'closed')"
# An agent (not a supervisor) writes only in a conversation assigned to them: a queued one is
# accepted first (a reply or note before that would reach the customer from nobody's chat).
_STAFF = " AND agent_id = %s"


def _refused(conv_id: int, assigned_to: int | None, staff: bool = False) -> DomainError:
    """Why the sequence UPDATE matched no row: gone or another agent's (404), queued and not
    accepted (409 not_assigned_to_you), else ended (in staff's words for staff)."""
    conv = Conversation.objects.filter(pk=conv_id).values_list("status", "agent_id").first()
    if conv is None:
        return ConversationNotFound()
    if assigned_to is not None and conv[1] != assigned_to:
        return NotYourConversation() if conv[0] == Conversation.Status.QUEUED else ConversationNotFound()
    return ConversationResolved() if staff or assigned_to is not None else ConversationClosed()


def _next_seq(conv_id: int, *, agent_reply: bool = False, customer: bool = False,
              open_only: bool = False, assigned_to: int | None = None, staff: bool = False) -> int:
    """One statement: the next sequence number (row-locked until commit), the status flip
    (an agent's reply → waiting on customer; the customer's → active) and the first response."""
    # as Django stores it (on SQLite: UTC text without an offset, so that it sorts with the rest)
    now = connection.ops.adapt_datetimefield_value(clock.now())
    guard = (_OPEN if open_only else "") + (_STAFF if assigned_to is not None else "")
    params: list[Any] = [now, agent_reply, customer, agent_reply, now, conv_id]
    params += [assigned_to] if assigned_to is not None else []
    with connection.cursor() as cur:
        cur.execute(_NEXT_SEQ.format(guard=guard), params)
        row = cur.fetchone()
    if row is None:
        raise _refused(conv_id, assigned_to, staff)
    return int(row[0])


def _store(conv: Conversation, *, flags: dict[str, Any] | None = None, **fields: Any) -> Message:
    if connection.vendor == "postgresql":
        return _store_pg(conv.pk, flags or {}, fields)
    seq = _next_seq(conv.pk, **(flags or {}))
    return Message.objects.create(conversation_id=conv.pk, seq=seq, sent_at=clock.now(), **fields)


_COLUMNS = [f for f in Message._meta.concrete_fields if f.name not in ("id", "conversation", "seq")]
_PLAIN = [isinstance(f, (models.CharField, models.TextField, models.ForeignKey)) for f in _COLUMNS]
# Built once from the model's own column names (no input reaches the SQL text).
_INSERT_PG = {
    (open_only, staff): (
        f"WITH s AS ({_NEXT_SEQ.format(guard=(_OPEN if open_only else '') + (_STAFF if staff else ''))}) "  # noqa: S608
        f"INSERT INTO support_message (conversation_id, seq, {', '.join(f.column for f in _COLUMNS)}) "
        f"SELECT %s, s.last_seq, {', '.join(['%s'] * len(_COLUMNS))} FROM s RETURNING id, seq")
    for open_only in (False, True) for staff in (False, True)
}


def _statement(conv_id: int, flags: dict[str, Any],
               fields: dict[str, Any]) -> tuple[str, list[Any], list[Any]]:
    """The one statement that stores a message on PostgreSQL, its parameters, and the Message's
    column values in field order (``_built``)."""
    fields.setdefault("sent_at", clock.now())
    raw = [f.get_default() if f.name not in fields else getattr(fields[f.name], "pk", fields[f.name])
           for f in _COLUMNS]
    # Text columns and foreign keys given None, a str or an int are stored as they are: asking
    # each field (get_db_prep_save) to say so was a tenth of the statement's Python time.
    values = [v if (plain and (v is None or type(v) in (str, int))) else f.get_db_prep_save(v, connection)
              for f, plain, v in zip(_COLUMNS, _PLAIN, raw, strict=True)]
    agent_reply, customer = flags.get("agent_reply", False), flags.get("customer", False)
    assigned_to = flags.get("assigned_to")
    sql = _INSERT_PG[bool(flags.get("open_only")), assigned_to is not None]
    now = fields["sent_at"]
    staff = [assigned_to] if assigned_to is not None else []
    return sql, [now, agent_reply, customer, agent_reply, now, conv_id, *staff, conv_id, *values], raw


_ATTNAMES = [f.attname for f in _COLUMNS]
_ORDER = [f.attname for f in Message._meta.concrete_fields]


def _built(msg_id: int, conv_id: int, seq: int, raw: list[Any]) -> Message:
    """The Message as stored, built from what was sent: column values only (foreign keys as
    ids), given positionally (Django's fast path; the frame needs nothing else)."""
    by_name = dict(zip(_ATTNAMES, raw, strict=True))
    by_name.update(id=msg_id, conversation_id=conv_id, seq=seq)
    # django-stubs reads a starred argument as the first field (id): the values are in field order
    return Message(*[by_name[name] for name in _ORDER])  # type: ignore[misc]


def _store_pg(conv_id: int, flags: dict[str, Any], fields: dict[str, Any]) -> Message:
    """PostgreSQL: the sequence UPDATE and the INSERT as one statement (one round trip, atomic
    by itself in autocommit), and the Message built from what was sent, not read back."""
    sql, params, _raw = _statement(conv_id, flags, fields)
    with connection.cursor() as cur:
        cur.execute(sql, params)
        row = cur.fetchone()
    if row is None:
        raise _refused(conv_id, flags.get("assigned_to"), bool(flags.get("staff")))
    return Message(id=row[0], conversation_id=conv_id, seq=row[1], **fields)


def _author(user: Any, agent: Agent | None) -> dict[str, Any]:
    if agent is not None:
        return {"role": Message.Role.AGENT, "sender": user, "agent": agent,
                "sender_name": agent.display_name, "sender_latin_name": agent.latin_name,
                "employee_id": agent.employee_id}
    name = (getattr(user, "display_name", "") or "") if user is not None else ""
    return {"role": Message.Role.CUSTOMER, "sender": user if getattr(user, "pk", None) else None,
            "sender_name": name}


def check_text(text: object) -> str:
    if not isinstance(text, str) or not text.strip() or len(text) > MAX_TEXT:
        raise InvalidMessage()
    return text.strip()


def check_client_id(client_id: object) -> str | None:
    if client_id is None or client_id == "":
        return None
    if not isinstance(client_id, str) or len(client_id) > MAX_CLIENT_ID:
        raise InvalidMessage(code="invalid_client_id")
    return client_id


def post(conv: Conversation, user: Any, text: object, *, client_id: object = None,
         agent: Agent | None = None, note: bool = False, publish: bool = True,
         assigned_to: int | None = None) -> Posted:
    """Store one message (masked) and deliver it after commit; idempotent by client_id.

    ``publish=False``: the caller sends ``events.message_frame`` itself after this returns
    (a websocket consumer, from its event loop, after the commit). ``assigned_to``: store
    only if the conversation is assigned to that agent (another's: 404), checked by the
    same statement that takes the sequence number; a queued one is refused with
    ``NotYourConversation``: it is accepted first)."""
    clean = check_text(text)
    cid = check_client_id(client_id)
    result = masking.mask(clean)
    flags = {"agent_reply": agent is not None and not note, "customer": agent is None,
             "open_only": not note, "assigned_to": assigned_to, "staff": agent is not None}
    # One statement on PostgreSQL: outside a transaction it needs no BEGIN/COMMIT of its own;
    # inside one, the savepoint keeps a duplicate client_id from breaking the caller's.
    single = connection.vendor == "postgresql" and not connection.in_atomic_block
    try:
        with contextlib.nullcontext() if single else transaction.atomic():
            msg = _store(conv, flags=flags, kind=Message.Kind.NOTE if note else Message.Kind.TEXT,
                         text=result.text, masked=result.kinds, client_id=cid, **_author(user, agent))
            if publish:
                events.publish_message(msg)
    except IntegrityError:
        existing = Message.objects.filter(conversation_id=conv.pk, client_id=cid).first()
        if cid is None or existing is None:
            raise
        return Posted(existing, duplicate=True, masked=list(existing.masked))
    return Posted(msg, masked=result.kinds)


async def apost(conv_id: int, user: Any, text: object, *, client_id: object = None,
                agent: Agent | None = None, assigned_to: int | None = None) -> Posted | None:
    """``post`` of a public message (not a note) from an event loop, on PostgreSQL: the same
    checks, masking and statement, sent on the loop's own connection (``pgasync``: no thread).
    None when the statement stored nothing (a re-sent client id, a refused or ended
    conversation): then ``post`` decides in a thread, with its typed error or the stored copy;
    the statement is atomic, so trying it twice leaves nothing behind."""
    from psycopg.errors import IntegrityError as PgIntegrityError

    from .. import pgasync

    clean = check_text(text)
    cid = check_client_id(client_id)
    result = masking.mask(clean)
    flags = {"agent_reply": agent is not None, "customer": agent is None, "open_only": True,
             "assigned_to": assigned_to}
    sql, params, raw = _statement(conv_id, flags, {
        "kind": Message.Kind.TEXT, "text": result.text, "masked": result.kinds, "client_id": cid,
        **_author(user, agent)})
    try:
        async with pgasync.cursor() as cur:
            await cur.execute(sql, params)
            row = await cur.fetchone()
    except PgIntegrityError:
        return None
    if row is None:
        return None
    return Posted(_built(row[0], conv_id, row[1], raw), masked=result.kinds)


def add_event(conv: Conversation, event: str, text: str = "", *, user: Any = None,
              agent: Agent | None = None) -> Message:
    """A key action on the record (joined, transferred, resolved, ...), seen in the transcript."""
    author = _author(user, agent) if agent is not None else {"role": Message.Role.SYSTEM}
    msg = _store(conv, kind=Message.Kind.EVENT, event=event, text=text, **author)
    events.publish_message(msg)
    return msg


def check_image(data: bytes) -> images.Image:
    """The image decoded and re-encoded without metadata (core.images), or InvalidAttachment."""
    try:
        return images.reencode(data, max_bytes=MAX_IMAGE_BYTES, max_side=MAX_IMAGE_SIDE)
    except ValueError:
        raise InvalidAttachment() from None


def post_image(conv: Conversation, user: Any, data: bytes, *, agent: Agent | None = None,
               client_id: object = None, assigned_to: int | None = None) -> Posted:
    image = check_image(data)  # what is stored is the re-encoded image, never the upload
    data, content_type, w, h = image.data, image.content_type, image.width, image.height
    cid = check_client_id(client_id)
    if conv.status in ENDED:
        raise ConversationResolved() if agent is not None else ConversationClosed()
    flags = {"agent_reply": agent is not None, "customer": agent is None, "open_only": True,
             "assigned_to": assigned_to, "staff": agent is not None}
    with transaction.atomic():
        uploader = user if getattr(user, "pk", None) else None
        att = Attachment.objects.create(conversation=conv, uploader=uploader,
                                        content_type=content_type, size=len(data), width=w, height=h,
                                        data=data)
        msg = _store(conv, flags=flags, kind=Message.Kind.IMAGE, attachment=att, client_id=cid,
                     **_author(user, agent))
        events.publish_message(msg)
    return Posted(msg)


def visible(conv_id: int, role: str, after_seq: int = 0, before_seq: int | None = None,
            limit: int = 500) -> list[Message]:
    qs = Message.objects.filter(conversation_id=conv_id, seq__gt=max(0, after_seq))
    if before_seq is not None:
        qs = qs.filter(seq__lt=before_seq)
    if role == "customer":
        qs = qs.exclude(kind=Message.Kind.NOTE)
    return list(qs.order_by("seq")[:limit])


def mark_read(conv: Conversation, role: str, seq: int) -> None:
    field_name = "customer_read_seq" if role == "customer" else "agent_read_seq"
    seq = max(0, min(int(seq), conv.last_seq if conv.last_seq else int(seq)))
    with transaction.atomic():
        Conversation.objects.filter(pk=conv.pk).update(**{field_name: Greatest(F(field_name), seq)})
        frame = {"type": "read", "conversation_id": conv.pk, "role": role, "seq": seq}
        events.publish(events.conv_group(conv.pk), frame)
