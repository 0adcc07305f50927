"""Conversations: open (customer or guest), accept, transfer, resolve, rate, callback.

Reference numbers are ``CS-YYYYMMDD-NNNNNN``: the date in the desk's zone
(``settings.DESK_TIME_ZONE``, ADR 0117) and a counter per date. The counter row
is incremented with a guarded UPDATE inside the transaction that creates the
conversation, so two processes never draw the same number; the unique
constraint on ``reference`` stands behind it.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from walletdesk.accounts.models import User
from walletdesk.accounts.services import events as security_events
from walletdesk.core import clock
from walletdesk.directory import hours as hours_math
from walletdesk.directory import queries as directory_queries
from walletdesk.directory import ratelimit

from .. import events, masking, snapshot
from ..errors import (
    AlreadyRated,
    AlreadyTaken,
    AtCapacity,
    ConversationClosed,
    ConversationResolved,
    InvalidRating,
    InvalidTopic,
    InvalidTransfer,
    NotAllowed,
    NothingToTakeOver,
    NotOnDuty,
    NotResolved,
    NotYourConversation,
    UnknownTransaction,
)
from ..models import (
    PRIORITY_HIGH,
    PRIORITY_NORMAL,
    PRIORITY_URGENT,
    SKILLS,
    Agent,
    Conversation,
    Message,
    ReferenceCounter,
)
from . import routing, waits
from .chat import add_event, check_text

# topic the customer picks → (queue, priority)
TOPICS: dict[str, tuple[str, int]] = {
    "account_locked": ("account_security", PRIORITY_URGENT),
    "suspected_fraud": ("account_security", PRIORITY_URGENT),
    "missing_money": ("payments", PRIORITY_URGENT),
    "payments": ("payments", PRIORITY_NORMAL),
    "refunds": ("refunds", PRIORITY_NORMAL),
    "account_security": ("account_security", PRIORITY_HIGH),
    "technical": ("technical", PRIORITY_NORMAL),
    "general": ("general", PRIORITY_NORMAL),
}
TOPIC_LABELS = {
    "account_locked": _("My account is locked"),
    "suspected_fraud": _("Suspected fraud or a payment I don't recognise"),
    "missing_money": _("Money sent or topped up has not arrived"),
    "payments": _("Payments and transfers"),
    "refunds": pgettext_lazy("support topic", "Refunds"),
    "account_security": _("Login, password and two-step verification"),
    "technical": _("The app is not working"),
    "general": _("Something else"),
}
TRIAGE_PRIORITY = {"urgent": PRIORITY_URGENT, "high": PRIORITY_HIGH, "normal": PRIORITY_NORMAL}
# The customer's own language is kept (notices and messages to them are written in it);
# routing.SERVED_BY says which agents can take each one.
LANGS = ("zh-hans", "zh-hant", "en")
# The triage classifier reads Simplified Chinese and English; Traditional is Chinese to it.
TRIAGE_LANG = {"zh-hans": "zh-hans", "zh-hant": "zh-hans", "en": "en"}
OPEN_LIMIT = ratelimit.Limit("support_open", 30, 3600)  # conversations a customer opens an hour


@dataclass
class Opened:
    conversation: Conversation
    position: int | None
    estimated_wait_seconds: int | None
    open_now: bool
    next_open_at: datetime | None
    guest_token: str = ""


def reference_day(at: datetime) -> str:
    """The date a reference carries: the desk's local date of ``at`` (ADR 0117)."""
    return at.astimezone(ZoneInfo(settings.DESK_TIME_ZONE)).strftime("%Y%m%d")


def next_reference(at: datetime | None = None) -> str:
    day = reference_day(at or clock.now())
    try:
        with transaction.atomic():
            ReferenceCounter.objects.get_or_create(day=day)
    except IntegrityError:
        pass  # another process created today's row first
    ReferenceCounter.objects.filter(day=day).update(value=F("value") + 1)
    value = ReferenceCounter.objects.values_list("value", flat=True).get(day=day)
    return f"CS-{day}-{value:06d}"


def chat_hours(region_code: str) -> tuple[bool, datetime | None]:
    region = directory_queries.default_region(region_code)
    if region is None:
        return True, None
    chats = [c for c in directory_queries.channels(region) if c.kind == "chat"]
    if not chats or chats[0].hours is None:
        return True, None
    state = hours_math.state_at(directory_queries.timetable(chats[0].hours), clock.now())
    return state.open_now, state.next_open_at


def _triage(text: str, lang: str) -> Any:
    """The triage classifier when it is installed and works; None otherwise (never blocks)."""
    try:
        from walletdesk.triage import services as triage
    except ImportError:
        return None
    try:
        return triage.classify(text, TRIAGE_LANG.get(lang))
    except Exception:
        return None


def route_for(topic: str, description: str, lang: str, ctx: dict[str, Any],
              use_triage: bool = False) -> tuple[str, int]:
    if topic not in TOPICS:
        raise InvalidTopic()
    skill, priority = TOPICS[topic]
    if use_triage and topic == "general" and description:
        found = _triage(description, lang)
        if found is not None and found.queue in SKILLS:
            skill = found.queue
            priority = max(priority, TRIAGE_PRIORITY.get(found.priority, PRIORITY_NORMAL))
    account = ctx.get("account") or {}
    if account.get("locked") or account.get("holds"):
        priority = max(priority, PRIORITY_URGENT)
    if ctx.get("picked_transaction") and ctx["picked_transaction"]["status"] == "pending":
        priority = max(priority, PRIORITY_HIGH)
    return skill, priority


def _opened(conv: Conversation, open_now: bool, next_open: datetime | None) -> Opened:
    pos = waits.position_of(conv) if open_now else None
    est = waits.estimate(conv.skill, pos or 1, open_now=open_now) if pos else None
    return Opened(conv, pos, est, open_now, next_open)


def _create(*, customer: User | None, topic: str, description: str, lang: str, region: str,
            ctx: dict[str, Any], txn_id: str, channel: str, use_triage: bool,
            guest_contact: str = "", guest_key_hash: str = "",
            hold_until: datetime | None = None) -> tuple[Conversation, bool, Any]:
    # What the customer typed is masked before anything stores it: the description is shown to
    # agents as the subject and the first message (ADR 0051).
    description = masking.mask(description).text if description else description
    # The classifier (the e5 encoder: its weights and a second or two to load) runs in the
    # worker, never in a web process: the conversation queues by its topic at once, and
    # triage_route() may move it.
    skill, priority = route_for(topic, description, lang, ctx)
    open_now, next_open = chat_hours(region)
    now = clock.now()
    with transaction.atomic():
        conv = Conversation.objects.create(
            reference=next_reference(now), channel=channel, topic=topic, skill=skill,
            language=lang if lang in LANGS else "zh-hans", region=region, priority=priority,
            customer=customer, transaction_public_id=txn_id, description=description,
            context=ctx, guest_contact=guest_contact, guest_key_hash=guest_key_hash,
            # Held (after_hours) conversations stay out of routing until release_held() lets
            # them in: when the desk opens, or at a booked callback's slot (queued_at).
            after_hours=not open_now or hold_until is not None,
            callback_requested=hold_until is not None,
            created_at=now, queued_at=hold_until or now, updated_at=now)
        add_event(conv, "opened", conv.reference)
        if description:
            from .chat import post

            post(conv, customer, description, client_id=f"open-{conv.reference}")
        routing.dispatch()
        routing.after_queue_change({skill})
        if use_triage and topic == "general" and description:
            from walletdesk.core.services import jobs

            jobs.enqueue("support.triage_route", conversation_id=conv.pk)
    return conv, open_now, next_open


def triage_route(conversation_id: int) -> bool:
    """The worker's half of opening: a still-queued "general" conversation moves to the queue
    (and priority) the triage classifier picks from its first message. Whether it moved."""
    conv = Conversation.objects.filter(pk=conversation_id, status=Conversation.Status.QUEUED,
                                       topic="general").first()
    if conv is None or not conv.description:
        return False
    skill, priority = route_for(conv.topic, conv.description, conv.language, conv.context or {},
                                use_triage=True)
    if (skill, priority) == (conv.skill, conv.priority):
        return False
    with transaction.atomic():
        if not Conversation.objects.filter(pk=conv.pk, status=Conversation.Status.QUEUED,
                                           skill=conv.skill).update(skill=skill, priority=priority):
            return False  # taken or moved meanwhile
        routing.dispatch()
        routing.after_queue_change({conv.skill, skill})
    return True


def open_conversation(customer: User, *, topic: object, message: object, transaction_id: object = "",
                      channel: str = "chat", use_triage: bool = True,
                      troubleshooter: dict[str, Any] | None = None,
                      hold_until: datetime | None = None,
                      client: dict[str, Any] | None = None,
                      extra_context: dict[str, Any] | None = None) -> Opened:
    """A logged-in customer reaches a human. The context is attached at once (with the
    diagnosis of the troubleshooter the customer came from, if any, and what the caller adds
    in ``extra_context``, e.g. an escalated refund request). With ``hold_until``
    (a booked callback) it waits outside the queue until that moment."""
    text = check_text(message)
    if not isinstance(topic, str) or topic not in TOPICS:
        raise InvalidTopic()
    txn_id = transaction_id if isinstance(transaction_id, str) else ""
    if txn_id and snapshot.picked_transaction(customer, txn_id) is None:
        raise UnknownTransaction()
    ctx = snapshot.snapshot(customer, txn_id)
    if troubleshooter:
        ctx["troubleshooter"] = troubleshooter
    if client:  # app version, browser and system in words (notify.client.describe)
        ctx["client"] = client
    if extra_context:
        ctx.update(extra_context)
    conv, open_now, next_open = _create(
        customer=customer, topic=topic, description=text, lang=customer.language,
        region=customer.region, ctx=ctx, txn_id=txn_id, channel=channel, use_triage=use_triage,
        hold_until=hold_until)
    return _opened(conv, open_now, next_open)


def status_of(conv: Conversation) -> Opened:
    open_now = not conv.after_hours
    return _opened(conv, open_now, None)


def _live_since(conv: Conversation, held: bool) -> datetime | None:
    """When the conversation joined the live queue: its queued time, or, for a message left
    outside service hours or a booked callback (which keep their queued time as their place in
    the line), when the desk let it in; None when an agent takes one still held (it never
    waited in the live queue). Only that wait is the queue's: a night spent waiting for the
    desk to open told the next customers "about 2 hours" while agents sat free."""
    if held:
        return None
    entered = conv.queued_at or conv.created_at
    released = (conv.messages.filter(kind=Message.Kind.EVENT, event="queued", sent_at__gt=entered)
                .order_by("-seq").values_list("sent_at", flat=True).first())
    return max(entered, released) if released else entered


def accept(agent: Agent, conv: Conversation) -> Conversation:
    """An agent takes a queued conversation (websocket frame and HTTP both come here)."""
    now = clock.now()
    with transaction.atomic():
        live = Conversation.objects.filter(agent=agent, status__in=waits.LIVE).count()
        if live >= agent.max_concurrent_chats:
            raise AtCapacity()
        held = Conversation.objects.filter(pk=conv.pk, after_hours=True).exists()
        if not Conversation.objects.filter(pk=conv.pk, status=Conversation.Status.QUEUED).update(
                status=Conversation.Status.ACTIVE, agent=agent, offered_to=None, assigned_at=now,
                after_hours=False, updated_at=now):
            raise AlreadyTaken()
        conv.refresh_from_db()
        since = _live_since(conv, held)
        if since is not None:
            waits.record_wait(conv.skill, (now - since).total_seconds())
        add_event(conv, "assigned", agent.display_name, agent=agent, user=agent.user)
        frame = assigned_frame(conv, agent)
        events.publish(events.agent_group(agent.pk), frame)
        events.publish(events.conv_group(conv.pk), frame)
        routing.dispatch()
        routing.after_queue_change({conv.skill})
    return conv


def assigned_frame(conv: Conversation, agent: Agent) -> dict[str, Any]:
    return {"type": "assigned", "conversation_id": conv.pk, "reference": conv.reference,
            "agent": {"name": agent.display_name, "employee_id": agent.employee_id,
                      "verify_url": events.verify_url(agent.employee_id),
                      # each socket keeps the name its viewer reads (events.for_viewer)
                      **({"latin_name": agent.latin_name} if agent.latin_name else {})}}


def transfer(by: Agent, conv: Conversation, *, to_agent: Agent | None = None,
             to_skill: str | None = None, note: str = "") -> Conversation:
    """To another on-duty agent (assigned at once) or to another queue (queued again)."""
    if conv.status not in waits.LIVE:
        raise NotYourConversation() if conv.status == Conversation.Status.QUEUED else ConversationResolved()
    with transaction.atomic():
        if to_agent is not None:
            from . import is_on_duty

            if to_agent.pk == by.pk or not is_on_duty(to_agent):
                raise InvalidTransfer()
            if Conversation.objects.filter(agent=to_agent, status__in=waits.LIVE).count() \
                    >= to_agent.max_concurrent_chats:
                raise AtCapacity()
            Conversation.objects.filter(pk=conv.pk).update(agent=to_agent, updated_at=clock.now())
            add_event(conv, "transferred", f"{by.employee_id} → {to_agent.employee_id}", agent=by,
                      user=by.user)
            frame = assigned_frame(conv, to_agent)
            events.publish(events.agent_group(to_agent.pk), frame)
            events.publish(events.conv_group(conv.pk), frame)
        elif to_skill in SKILLS:
            Conversation.objects.filter(pk=conv.pk).update(
                status=Conversation.Status.QUEUED, agent=None, skill=to_skill, queued_at=clock.now(),
                updated_at=clock.now())
            add_event(conv, "transferred", f"{by.employee_id} → {to_skill}", agent=by, user=by.user)
            routing.dispatch()
            routing.after_queue_change({to_skill})
        else:
            raise InvalidTransfer()
        if note:
            from .chat import post

            post(conv, by.user, note, agent=by, note=True)
        events.publish(events.agent_group(by.pk), {"type": "released", "conversation_id": conv.pk})
    conv.refresh_from_db()
    return conv


def take_over(by: Agent, conv: Conversation) -> Conversation:
    """A supervisor takes a live conversation from the agent handling it (ADR 0128).

    Told as a transfer tells it: the ``transferred`` event ("WD2048 → WD1001") in the
    conversation, which the customer sees, the ``assigned`` frame that gives the customer the
    new name and employee ID, and ``released`` to the previous agent's consoles, here naming
    who took over. Audited in the security log (``support_conversation_taken_over``). A
    conversation already the supervisor's is returned unchanged; a race between two
    supervisors has one winner (the guarded UPDATE), the other gets ``already_taken``."""
    from . import is_on_duty

    if by.user.role != User.Role.SUPERVISOR:
        raise NotAllowed()
    if conv.status in (Conversation.Status.RESOLVED, Conversation.Status.CLOSED):
        raise ConversationResolved()
    if conv.status not in waits.LIVE or conv.agent_id is None:
        raise NothingToTakeOver()
    if conv.agent_id == by.pk:
        return conv
    if not is_on_duty(by):
        raise NotOnDuty()
    previous = conv.agent
    assert previous is not None
    with transaction.atomic():
        # No capacity check: taking over is a deliberate step, never refused for a full list.
        if not Conversation.objects.filter(pk=conv.pk, agent_id=previous.pk,
                                           status__in=waits.LIVE).update(
                agent=by, offered_to=None, updated_at=clock.now()):
            raise AlreadyTaken()
        add_event(conv, "transferred", f"{previous.employee_id} → {by.employee_id}", agent=by,
                  user=by.user)
        security_events.record("support_conversation_taken_over", None,
                               conversation=conv.reference, conversation_id=conv.pk,
                               agent=by.employee_id, agent_role=str(by.user.role),
                               from_agent=previous.employee_id,
                               customer_id=conv.customer_id)
        frame = assigned_frame(conv, by)
        events.publish(events.agent_group(by.pk), frame)
        events.publish(events.conv_group(conv.pk), frame)
        events.publish(events.agent_group(previous.pk), {
            "type": "released", "conversation_id": conv.pk, "reference": conv.reference,
            "taken_over_by": {"name": by.display_name, "employee_id": by.employee_id,
                              **({"latin_name": by.latin_name} if by.latin_name else {})}})
        routing.dispatch()  # the previous agent has a free place again
    conv.refresh_from_db()
    return conv


def resolve(agent: Agent, conv: Conversation) -> Conversation:
    """Only the conversation's own agent resolves it; a supervisor (or admin) any of them."""
    open_ = Conversation.objects.filter(pk=conv.pk,
                                        status__in=[*waits.LIVE, Conversation.Status.QUEUED])
    mine = open_ if agent.user.role in (User.Role.SUPERVISOR, User.Role.ADMIN) else open_.filter(
        agent=agent)
    with transaction.atomic():
        if not mine.update(status=Conversation.Status.RESOLVED, resolved_at=clock.now(),
                           offered_to=None, updated_at=clock.now()):
            raise NotAllowed() if open_.exists() else ConversationResolved()
        add_event(conv, "resolved", agent.display_name, agent=agent, user=agent.user)
        events.publish(events.conv_group(conv.pk), {"type": "resolved", "conversation_id": conv.pk})
        events.publish(events.agent_group(agent.pk), {"type": "released", "conversation_id": conv.pk})
        routing.dispatch()
        routing.after_queue_change({conv.skill})
    conv.refresh_from_db()
    return conv


def rate(conv: Conversation, rating: object, comment: object = "") -> Conversation:
    if conv.status not in (Conversation.Status.RESOLVED, Conversation.Status.CLOSED):
        raise NotResolved()
    if not isinstance(rating, int) or isinstance(rating, bool) or not 1 <= rating <= 5:
        raise InvalidRating()
    text = comment.strip()[:2000] if isinstance(comment, str) else ""
    with transaction.atomic():
        if not Conversation.objects.filter(pk=conv.pk, rating__isnull=True).update(
                rating=rating, rating_comment=text, status=Conversation.Status.CLOSED,
                closed_at=clock.now()):
            raise AlreadyRated()
        add_event(conv, "rated", str(rating))
    conv.refresh_from_db()
    return conv


def request_callback(conv: Conversation) -> Conversation:
    """Outside service hours: the customer asks to be called back when the desk opens."""
    with transaction.atomic():
        if Conversation.objects.filter(pk=conv.pk, callback_requested=False).update(callback_requested=True):
            add_event(conv, "callback_requested")
    conv.refresh_from_db()
    return conv


def schedule_callback(conv: Conversation, due_at: datetime) -> Conversation:
    """A queued conversation becomes a phone callback: held out of the queue until ``due_at``."""
    with transaction.atomic():
        if not Conversation.objects.filter(pk=conv.pk, status=Conversation.Status.QUEUED).update(
                channel=Conversation.Channel.PHONE, callback_requested=True, after_hours=True,
                offered_to=None, queued_at=due_at, updated_at=clock.now()):
            raise ConversationClosed()
        add_event(conv, "callback_requested", due_at.isoformat())
        routing.after_queue_change({conv.skill})
    conv.refresh_from_db()
    return conv


def withdraw(conv: Conversation, event: str) -> bool:
    """The customer withdrew a conversation nobody has taken yet (a cancelled callback)."""
    with transaction.atomic():
        if not Conversation.objects.filter(pk=conv.pk, status=Conversation.Status.QUEUED).update(
                status=Conversation.Status.CLOSED, offered_to=None, closed_at=clock.now(),
                updated_at=clock.now()):
            return False
        add_event(conv, event)
        routing.after_queue_change({conv.skill})
    return True


def mark_first_response(conv: Conversation, at: datetime) -> None:
    """A first response that is not a chat reply (a callback the customer answered)."""
    Conversation.objects.filter(pk=conv.pk, first_response_at__isnull=True).update(
        first_response_at=at, updated_at=clock.now())


def _held_ready(conv: Conversation, hours: dict[str, bool]) -> bool:
    if conv.channel == Conversation.Channel.PHONE and conv.callback_requested:
        return True  # its slot (queued_at) was booked inside the line's service hours
    if conv.region not in hours:
        hours[conv.region] = chat_hours(conv.region)[0]
    return hours[conv.region]


def release_held() -> int:
    """Messages left outside service hours join the queue when the desk opens; booked
    callbacks join it at their slot. Each keeps its queued time (its place in the line)."""
    now = clock.now()
    hours: dict[str, bool] = {}
    skills: set[str] = set()
    released = 0
    held = Conversation.objects.filter(status=Conversation.Status.QUEUED, after_hours=True,
                                       queued_at__lte=now).order_by("queued_at", "pk")
    for conv in held:
        if not _held_ready(conv, hours):
            continue
        with transaction.atomic():
            if Conversation.objects.filter(pk=conv.pk, status=Conversation.Status.QUEUED,
                                           after_hours=True).update(after_hours=False, updated_at=now):
                add_event(conv, "queued", "")
                skills.add(conv.skill)
                released += 1
    if released:
        with transaction.atomic():
            routing.dispatch()
            routing.after_queue_change(skills)
    return released


def new_guest_key() -> str:
    return secrets.token_urlsafe(24)
