"""The only writers of phone state: booking and cancelling callbacks, calls and their log.

Calls to the telephony provider never run inside a database transaction: ``start_call``
commits the call row first, then asks the provider, then stores its call id (or marks
the call failed and frees the callback for another try).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from django.db import IntegrityError, transaction
from django.db.models import Count, F

from walletdesk.accounts.models import User
from walletdesk.core import clock
from walletdesk.directory import hours
from walletdesk.directory import queries as directory_queries
from walletdesk.directory.errors import InvalidChannelValue
from walletdesk.directory.models import Channel
from walletdesk.directory.normalize import phone as normalize_phone
from walletdesk.servicelevels import services as sla
from walletdesk.support import access, events
from walletdesk.support.errors import NotAllowed
from walletdesk.support.models import Agent, Conversation
from walletdesk.support.services import chat, conversations

from . import codes, conf, slots
from .errors import (
    AlreadyLogged,
    CallbackClosed,
    CallbackNotFound,
    CallInProgress,
    InvalidNumber,
    InvalidOutcome,
    InvalidSlot,
    NoSuchLine,
    SlotFull,
    TelephonyUnavailable,
    TooEarly,
)
from .models import Call, Callback, CallEvent
from .providers import TelephonyError, provider

EARLY_START = codes.WINDOW_BEFORE  # a call may start once the customer can see the code
MAX_NOTES = 2000
# provider status → the call statuses it may follow
AFTER: dict[str, tuple[str, ...]] = {
    Call.Status.RINGING: (Call.Status.PLACING,),
    Call.Status.ANSWERED: (Call.Status.PLACING, Call.Status.RINGING),
    Call.Status.NO_ANSWER: (Call.Status.PLACING, Call.Status.RINGING),
    Call.Status.FAILED: (Call.Status.PLACING, Call.Status.RINGING, Call.Status.ANSWERED),
    Call.Status.COMPLETED: (Call.Status.PLACING, Call.Status.RINGING, Call.Status.ANSWERED),
}


@dataclass
class Slot:
    start: datetime
    left: int


def line(line_id: object) -> Channel:
    """An active official phone line with service hours (those take callbacks)."""
    if not isinstance(line_id, int) and not (isinstance(line_id, str) and line_id.isdigit()):
        raise NoSuchLine()
    found = (Channel.objects.filter(pk=int(line_id), kind=Channel.Kind.PHONE, is_active=True,
                                    region__is_active=True).select_related("hours", "region").first())
    if found is None:
        raise NoSuchLine()
    return found


def _starts(ch: Channel, now: datetime) -> list[datetime]:
    table = (directory_queries.timetable(ch.hours) if ch.hours is not None
             else hours.Timetable(ch.region.time_zone, always_open=True))
    c = conf.get()
    return slots.starts(table, now, minutes=c.slot_minutes, lead_minutes=c.lead_minutes,
                        days=c.book_days)


def offered(ch: Channel, now: datetime | None = None) -> list[Slot]:
    """The line's bookable slots with the seats left (full slots are left out)."""
    c = conf.get()
    found = _starts(ch, now or clock.now())
    if not found:
        return []
    taken = dict(Callback.objects.filter(line=ch, seat__isnull=False, slot_start__gte=found[0],
                                         slot_start__lte=found[-1])
                 .values("slot_start").annotate(n=Count("pk")).values_list("slot_start", "n"))
    cap = c.slot_capacity
    return [Slot(at, cap - taken.get(at, 0)) for at in found if taken.get(at, 0) < cap]


def _parse_slot(value: object) -> datetime:
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str) or len(value) > 40:
        raise InvalidSlot()
    try:
        at = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidSlot() from None
    if at.tzinfo is None:
        raise InvalidSlot()
    return at


def check_number(raw: object, region: str) -> str:
    if not isinstance(raw, str) or not raw.strip() or len(raw) > 30:
        raise InvalidNumber()
    try:
        return normalize_phone(raw, region)
    except InvalidChannelValue:
        raise InvalidNumber() from None


def _take_seat(cb: Callback) -> None:
    for seat in range(1, conf.get().slot_capacity + 1):
        try:
            with transaction.atomic():
                cb.seat = seat
                cb.save()
                return
        except IntegrityError:
            continue  # that seat is taken: the unique constraint decides, not a count
    raise SlotFull()


def book(customer: User, *, line_id: object, slot: object, number: object, topic: object,
         message: object, conversation: Conversation | None = None) -> Callback:
    """Book a callback: a phone conversation held until the slot (or the customer's queued
    conversation turned into one), and a seat in the slot."""
    ch = line(line_id)
    at = _parse_slot(slot)
    e164 = check_number(number, ch.region.code)
    if at not in _starts(ch, clock.now()):
        raise InvalidSlot()
    with transaction.atomic():
        if conversation is not None:
            if conversation.customer_id != customer.pk:
                raise CallbackNotFound()
            conv = conversations.schedule_callback(conversation, at)
            sla.start_at(conv, at)
        else:
            conv = conversations.open_conversation(customer, topic=topic, message=message,
                                                   channel=Conversation.Channel.PHONE,
                                                   use_triage=True, hold_until=at).conversation
        cb = Callback(conversation=conv, customer=customer, line=ch, number=e164, slot_start=at,
                      code_salt=codes.new_salt())
        _take_seat(cb)
    return cb


def cancel(customer: User, cb: Callback) -> Callback:
    if cb.customer_id != customer.pk:
        raise CallbackNotFound()
    with transaction.atomic():
        if not Callback.objects.filter(pk=cb.pk, status=Callback.Status.SCHEDULED).update(
                status=Callback.Status.CANCELLED, seat=None, updated_at=clock.now()):
            raise CallbackClosed()
        conversations.withdraw(cb.conversation, "callback_cancelled")
    cb.refresh_from_db()
    return cb


def _may_call(agent: Agent, conv: Conversation) -> None:
    if conv.status == Conversation.Status.QUEUED:
        return
    if conv.agent_id != agent.pk or conv.status not in (Conversation.Status.ACTIVE,
                                                        Conversation.Status.WAITING):
        raise NotAllowed()


def start_call(agent: Agent, cb: Callback) -> tuple[Call, str]:
    """The agent calls the customer back: takes the conversation if it is still queued, then
    asks the provider to ring the number. Returns the call and the session code to read out."""
    now = clock.now()
    if cb.status == Callback.Status.SCHEDULED and now < cb.slot_start - EARLY_START:
        raise TooEarly()
    conv = cb.conversation
    _may_call(agent, conv)
    with transaction.atomic():
        if not Callback.objects.filter(pk=cb.pk, status=Callback.Status.SCHEDULED).update(
                status=Callback.Status.CALLING, attempts=F("attempts") + 1, updated_at=now):
            raise CallInProgress() if cb.status == Callback.Status.CALLING else CallbackClosed()
        if conv.status == Conversation.Status.QUEUED:
            conv = conversations.accept(agent, conv)
        tel = provider()
        call = Call.objects.create(callback=cb, conversation=conv, agent=agent, provider=tel.name,
                                   started_at=now)
        chat.add_event(conv, "call_started", agent.display_name, agent=agent, user=agent.user)
    try:
        call_id = tel.place_call(cb.number, agent)
    except TelephonyError as exc:
        _placing_failed(cb, call, str(exc))
        raise TelephonyUnavailable() from None
    Call.objects.filter(pk=call.pk).update(provider_call_id=call_id)
    call.provider_call_id = call_id
    cb.refresh_from_db()
    _publish(call, Call.Status.PLACING)
    return call, codes.code_for(cb)


def _placing_failed(cb: Callback, call: Call, error: str) -> None:
    with transaction.atomic():
        Call.objects.filter(pk=call.pk).update(status=Call.Status.FAILED, error=error[:200],
                                               ended_at=clock.now(), logged_at=clock.now(),
                                               duration_seconds=0)
        CallEvent.objects.create(call=call, status=Call.Status.FAILED)
        Callback.objects.filter(pk=cb.pk, status=Callback.Status.CALLING).update(
            status=Callback.Status.SCHEDULED, updated_at=clock.now())
        chat.add_event(call.conversation, "call_failed", "")


def _publish(call: Call, status: str) -> None:
    events.publish(events.staff_group(call.conversation_id), {
        "type": "call", "conversation_id": call.conversation_id, "call_id": call.pk, "status": status})


class UnknownCall(Exception):
    """An event for a call id we have not stored yet: the job retries it."""


def on_call_event(call_id: str, status: str) -> bool:
    """A status event from the provider; events that come out of order are kept but do not
    move the call backwards. Returns whether the call changed."""
    if status not in AFTER:
        raise ValueError(f"unknown call status {status!r}")
    call = Call.objects.select_related("conversation").filter(provider_call_id=call_id).first()
    if call is None:
        raise UnknownCall(call_id)
    now = clock.now()
    fields: dict[str, Any] = {"status": status}
    if status == Call.Status.ANSWERED:
        fields["answered_at"] = now
    elif status != Call.Status.RINGING:
        fields["ended_at"] = now
    with transaction.atomic():
        CallEvent.objects.create(call=call, status=status, at=now)
        changed = bool(Call.objects.filter(pk=call.pk, status__in=AFTER[status]).update(**fields))
        if changed and status != Call.Status.RINGING:
            chat.add_event(call.conversation, f"call_{status}", "")
        if changed and status == Call.Status.ANSWERED:
            conversations.mark_first_response(call.conversation, now)
        if changed:
            _publish(call, status)
    return changed


def hang_up(agent: Agent, call: Call) -> Call:
    if call.agent_id != agent.pk:
        raise NotAllowed()
    if call.live and call.provider_call_id:
        provider().hang_up(call.provider_call_id)
    return call


def log_outcome(agent: Agent, call: Call, outcome: object, notes: object = "") -> Call:
    """The call log entry: outcome, notes and duration, on the conversation (a private note)."""
    if call.agent_id != agent.pk:
        raise NotAllowed()
    if not isinstance(outcome, str) or outcome not in Call.Outcome.values:
        raise InvalidOutcome()
    text = notes.strip()[:MAX_NOTES] if isinstance(notes, str) else ""
    call.refresh_from_db()
    now = clock.now()
    duration = int(((call.ended_at or now) - call.answered_at).total_seconds()) if call.answered_at else 0
    next_status = {Call.Outcome.REACHED: Callback.Status.DONE,
                   Call.Outcome.WRONG_NUMBER: Callback.Status.FAILED}.get(
        Call.Outcome(outcome), Callback.Status.SCHEDULED)
    with transaction.atomic():
        if not Call.objects.filter(pk=call.pk, logged_at__isnull=True).update(
                outcome=outcome, notes=text, duration_seconds=max(0, duration), logged_at=now):
            raise AlreadyLogged()
        Callback.objects.filter(pk=call.callback_id, status=Callback.Status.CALLING).update(
            status=next_status, updated_at=now)
        label = str(Call.Outcome(outcome).label)
        summary = f"☎ {label} · {duration // 60}:{duration % 60:02d}" + (f" · {text}" if text else "")
        chat.post(call.conversation, agent.user, summary, agent=agent, note=True)
    live = call.live and call.provider_call_id
    call.refresh_from_db()
    if live:
        provider().hang_up(cast(str, call.provider_call_id))
    return call


def callback_for_agent(agent_user: Any, callback_id: int) -> Callback:
    cb = Callback.objects.select_related("conversation").filter(pk=callback_id).first()
    if cb is None or access.role_in(cb.conversation, agent_user) not in ("agent", "supervisor"):
        raise CallbackNotFound()
    return cb


def callback_for_customer(user: Any, callback_id: int) -> Callback:
    cb = Callback.objects.select_related("conversation", "line").filter(pk=callback_id).first()
    if cb is None or not getattr(user, "is_authenticated", False) or cb.customer_id != user.pk:
        raise CallbackNotFound()
    return cb


__all__ = ["Slot", "UnknownCall", "book", "cancel", "hang_up", "log_outcome", "offered",
           "on_call_event", "start_call"]
