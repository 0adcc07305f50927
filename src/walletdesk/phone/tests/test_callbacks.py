"""Booking callbacks, the session code, calls through the development provider and the call log."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from walletdesk.accounts.services import issue_token
from walletdesk.conftest import ApiClient
from walletdesk.core import clock
from walletdesk.core.services import jobs
from walletdesk.directory.models import Channel
from walletdesk.phone import codes, errors, queries, services
from walletdesk.phone.models import Call, Callback
from walletdesk.servicelevels.models import Timer
from walletdesk.support.models import Conversation, Message
from walletdesk.support.services import conversations, waits

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 12, 3, 10, 2, tzinfo=SH).astimezone(UTC)  # Thursday, hotline open
SLOT = datetime(2026, 12, 3, 14, 30, tzinfo=SH).astimezone(UTC)


@pytest.fixture(autouse=True)
def _now() -> Any:
    with clock.frozen(NOW):
        yield


def book(customer: Any, line: Channel, slot: datetime = SLOT, **kw: Any) -> Callback:
    args = {"number": "13800138000", "topic": "payments", "message": "转账没到账，请回电"} | kw
    return services.book(customer, line_id=line.pk, slot=slot.isoformat(), **args)


def test_booking_holds_a_phone_conversation_until_the_slot(hotline: Channel, make_customer: Any) -> None:
    customer = make_customer(region="CN")
    cb = book(customer, hotline)
    conv = cb.conversation
    assert (conv.channel, conv.status, conv.after_hours, conv.queued_at) == ("phone", "queued", True, SLOT)
    assert cb.number == "+8613800138000" and cb.seat == 1 and cb.status == Callback.Status.SCHEDULED
    assert waits.queued(conv.skill) == []  # not in the line before its time
    assert Timer.objects.get(conversation=conv).started_at == SLOT
    with clock.frozen(SLOT):
        assert conversations.release_held() == 1
    assert waits.queued(conv.skill) == [conv.pk]


@pytest.mark.parametrize("slot", [
    SLOT + timedelta(minutes=7),                                 # not on a quarter hour
    datetime(2026, 12, 3, 22, 0, tzinfo=SH).astimezone(UTC),     # the line closes at 22:00
    NOW - timedelta(minutes=2),                                  # in the past
    NOW + timedelta(days=30),                                    # too far ahead
    "tomorrow", "2026-12-03T14:30:00",                           # not a time / no zone
])
def test_a_bad_slot_changes_nothing(hotline: Channel, make_customer: Any, slot: Any) -> None:
    customer = make_customer(region="CN")
    with pytest.raises(errors.InvalidSlot):
        services.book(customer, line_id=hotline.pk, slot=slot if isinstance(slot, str) else slot.isoformat(),
                      number="13800138000", topic="payments", message="请回电")
    assert not Conversation.objects.exists() and not Callback.objects.exists()


def test_bad_numbers_and_lines_are_refused(hotline: Channel, make_customer: Any) -> None:
    customer = make_customer(region="CN")
    with pytest.raises(errors.InvalidNumber):
        book(customer, hotline, number="12345")
    email = Channel.objects.filter(kind="email").first()
    with pytest.raises(errors.NoSuchLine):
        book(customer, email)  # type: ignore[arg-type]
    assert not Conversation.objects.exists()


def test_a_slot_holds_only_its_capacity(hotline: Channel, make_customer: Any, settings: Any) -> None:
    settings.PHONE = {**settings.PHONE, "SLOT_CAPACITY": 2}
    first, second = book(make_customer(region="CN"), hotline), book(make_customer(region="CN"), hotline)
    assert {first.seat, second.seat} == {1, 2}
    assert SLOT not in [s.start for s in services.offered(hotline)]
    with pytest.raises(errors.SlotFull):
        book(make_customer(region="CN"), hotline)
    assert Conversation.objects.count() == 2  # the refused booking left nothing behind
    services.cancel(first.customer, first)
    closed = Conversation.objects.get(pk=first.conversation_id)
    assert closed.status == "closed" and closed.messages.filter(event="callback_cancelled").exists()
    with pytest.raises(errors.CallbackClosed):
        services.cancel(first.customer, first)
    with pytest.raises(errors.CallbackNotFound):
        services.cancel(second.customer, first)
    assert SLOT in [s.start for s in services.offered(hotline)]
    assert book(make_customer(region="CN"), hotline).seat == 1


def test_the_seat_constraint_stops_a_race_past_the_count(hotline: Channel, make_customer: Any,
                                                          settings: Any) -> None:
    settings.PHONE = {**settings.PHONE, "SLOT_CAPACITY": 1}
    book(make_customer(region="CN"), hotline)
    # A second request that read the slot as free before the first committed:
    cb = Callback(conversation=Conversation.objects.get(), customer=make_customer(), line=hotline,
                  number="+8613800138000", slot_start=SLOT, code_salt="x")
    with pytest.raises(errors.SlotFull):
        services._take_seat(cb)


def test_the_session_code_is_shown_only_near_the_slot(hotline: Channel, make_customer: Any) -> None:
    cb = book(make_customer(region="CN"), hotline)
    code = codes.code_for(cb)
    assert len(code) == 6 and code.isdigit()
    assert queries.customer_dict(cb)["session_code"] is None  # four hours early
    assert queries.customer_dict(cb, SLOT - timedelta(minutes=31))["session_code"] is None
    assert queries.customer_dict(cb, SLOT - timedelta(minutes=30))["session_code"] == code
    assert queries.customer_dict(cb, SLOT + timedelta(hours=2, seconds=1))["session_code"] is None
    other = book(make_customer(region="CN"), hotline)
    assert codes.code_for(other) != code or other.code_salt != cb.code_salt
    assert "session_code" not in queries.agent_dict(cb)


def _agent_api(agent: Any) -> ApiClient:
    return ApiClient(issue_token(agent.user))


def test_only_the_customer_sees_the_code_and_the_agent_gets_it_when_starting(
        hotline: Channel, customer: Any, api: ApiClient, make_customer: Any, make_agent: Any,
        django_capture_on_commit_callbacks: Any) -> None:
    customer.region = "CN"
    customer.save()
    r = api.post("/api/v1/phone/callbacks", {"line_id": hotline.pk, "slot": SLOT.isoformat(),
                                            "number": "+86 138 0013 8000", "message": "请回电"})
    assert r.status_code == 201, r.content
    cb_id = r.json()["id"]
    intruder = ApiClient(issue_token(make_customer()))
    assert intruder.get(f"/api/v1/phone/callbacks/{cb_id}").status_code == 404
    agent = make_agent(["payments"])
    staff = _agent_api(agent)
    assert staff.post(f"/api/v1/phone/callbacks/{cb_id}/start").json()["code"] == "callback_too_early"
    with clock.frozen(SLOT - timedelta(minutes=10)):
        shown = api.get(f"/api/v1/phone/callbacks/{cb_id}").json()["session_code"]
        assert shown and len(shown) == 6
        assert "session_code" not in staff.get(f"/api/v1/phone/callbacks/{cb_id}").json()
        with django_capture_on_commit_callbacks(execute=True):
            started = staff.post(f"/api/v1/phone/callbacks/{cb_id}/start")
        assert started.status_code == 200, started.content
        assert started.json()["session_code"] == shown
        assert intruder.get(f"/api/v1/phone/callbacks/{cb_id}").status_code == 404


def _start(cb: Callback, agent: Any, capture: Any) -> Call:
    with capture(execute=True):
        call, _code = services.start_call(agent, cb)
    return call


def _run_jobs(at: datetime, capture: Any) -> None:
    with clock.frozen(at), capture(execute=True):
        jobs.run_pending()


def test_a_reached_call_with_its_log(hotline: Channel, make_customer: Any, make_agent: Any,
                                     django_capture_on_commit_callbacks: Any) -> None:
    cb = book(make_customer(region="CN"), hotline)
    agent = make_agent(["payments"])
    with clock.frozen(SLOT):
        conversations.release_held()
        call = _start(cb, agent, django_capture_on_commit_callbacks)
    conv = Conversation.objects.get(pk=cb.conversation_id)
    assert conv.status == "active" and conv.agent_id == agent.pk and not conv.after_hours
    assert call.provider == "development" and call.provider_call_id
    _run_jobs(SLOT + timedelta(seconds=5), django_capture_on_commit_callbacks)  # rings, then answered
    call.refresh_from_db()
    assert call.status == Call.Status.ANSWERED and call.answered_at == SLOT + timedelta(seconds=5)
    conv.refresh_from_db()
    assert conv.first_response_at == call.answered_at  # the answered call is the first response
    hung_up = SLOT + timedelta(minutes=4, seconds=5)
    with clock.frozen(hung_up), django_capture_on_commit_callbacks(execute=True):
        services.hang_up(agent, call)
    _run_jobs(SLOT + timedelta(minutes=4, seconds=5), django_capture_on_commit_callbacks)
    with clock.frozen(SLOT + timedelta(minutes=5)):
        logged = services.log_outcome(agent, call, "reached", "已核实，转账已退回")
    assert (logged.outcome, logged.duration_seconds, logged.status) == ("reached", 240, "completed")
    cb.refresh_from_db()
    assert cb.status == Callback.Status.DONE
    note = Message.objects.filter(conversation=conv, kind=Message.Kind.NOTE).get()
    assert "4:00" in note.text and "已核实" in note.text and note.employee_id == agent.employee_id
    events = list(Message.objects.filter(conversation=conv, kind="event").values_list("event", flat=True))
    assert {"call_started", "call_answered", "call_completed"} <= set(events)
    from walletdesk.support.queries import transcript

    text = transcript(conv, "Asia/Shanghai", "en")
    assert "Calling you now" in text and "Call answered" in text
    assert "已核实" not in text  # the call log is a private note
    with pytest.raises(errors.AlreadyLogged):
        services.log_outcome(agent, call, "no_answer")
    with pytest.raises(errors.CallbackClosed):
        services.start_call(agent, cb)


def test_no_answer_then_a_second_try(hotline: Channel, make_customer: Any, make_agent: Any, settings: Any,
                                     django_capture_on_commit_callbacks: Any) -> None:
    settings.PHONE = {**settings.PHONE, "DEV_NO_ANSWER_NUMBERS": ["+8613800138000"]}
    cb = book(make_customer(region="CN"), hotline)
    agent = make_agent(["payments"])
    with clock.frozen(SLOT):
        call = _start(cb, agent, django_capture_on_commit_callbacks)
        with pytest.raises(errors.CallInProgress):
            services.start_call(agent, cb)
    _run_jobs(SLOT + timedelta(seconds=10), django_capture_on_commit_callbacks)
    call.refresh_from_db()
    assert call.status == Call.Status.NO_ANSWER and call.answered_at is None
    assert Conversation.objects.get(pk=cb.conversation_id).first_response_at is None
    with clock.frozen(SLOT + timedelta(minutes=1)):
        assert services.log_outcome(agent, call, "no_answer").duration_seconds == 0
        cb.refresh_from_db()
        assert cb.status == Callback.Status.SCHEDULED and cb.attempts == 1
        second = _start(cb, agent, django_capture_on_commit_callbacks)
    assert second.pk != call.pk


def test_a_failing_number_and_an_unavailable_provider(hotline: Channel, make_customer: Any, make_agent: Any,
                                                      settings: Any,
                                                      django_capture_on_commit_callbacks: Any) -> None:
    settings.PHONE = {**settings.PHONE, "DEV_FAIL_NUMBERS": ["+8613800138000"]}
    cb = book(make_customer(region="CN"), hotline)
    agent = make_agent(["payments"])
    with clock.frozen(SLOT):
        call = _start(cb, agent, django_capture_on_commit_callbacks)
    _run_jobs(SLOT + timedelta(seconds=10), django_capture_on_commit_callbacks)
    call.refresh_from_db()
    assert call.status == Call.Status.FAILED
    with clock.frozen(SLOT + timedelta(minutes=1)):
        services.log_outcome(agent, call, "wrong_number", "号码停机")
    cb.refresh_from_db()
    assert cb.status == Callback.Status.FAILED

    settings.PHONE = {**settings.PHONE, "DEV_UNAVAILABLE_RATE": 1.0}
    other = book(make_customer(region="CN"), hotline)
    with clock.frozen(SLOT), pytest.raises(errors.TelephonyUnavailable):
        _start(other, agent, django_capture_on_commit_callbacks)
    other.refresh_from_db()
    assert other.status == Callback.Status.SCHEDULED  # free to try again
    failed = Call.objects.get(callback=other)
    assert failed.status == Call.Status.FAILED and failed.logged_at is not None


def test_events_out_of_order_do_not_move_a_call_backwards(hotline: Channel, make_customer: Any,
                                                         make_agent: Any,
                                                         django_capture_on_commit_callbacks: Any) -> None:
    cb = book(make_customer(region="CN"), hotline)
    agent = make_agent(["payments"])
    with clock.frozen(SLOT):
        call = _start(cb, agent, django_capture_on_commit_callbacks)
        assert services.on_call_event(call.provider_call_id, "completed")  # type: ignore[arg-type]
        assert not services.on_call_event(call.provider_call_id, "answered")  # type: ignore[arg-type]
    call.refresh_from_db()
    assert call.status == Call.Status.COMPLETED and call.answered_at is None
    assert call.events.count() == 2  # both kept as history
    with pytest.raises(services.UnknownCall):
        services.on_call_event("devcall-nobody", "ringing")


def test_a_bad_outcome_changes_nothing(hotline: Channel, make_customer: Any, make_agent: Any,
                                       django_capture_on_commit_callbacks: Any) -> None:
    cb = book(make_customer(region="CN"), hotline)
    agent, other = make_agent(["payments"]), make_agent(["payments"])
    with clock.frozen(SLOT):
        call = _start(cb, agent, django_capture_on_commit_callbacks)
    with pytest.raises(errors.InvalidOutcome):
        services.log_outcome(agent, call, "hung_up")
    from walletdesk.support.errors import NotAllowed

    with pytest.raises(NotAllowed):
        services.log_outcome(other, call, "reached")
    call.refresh_from_db()
    assert call.logged_at is None and call.outcome == ""
    assert not Message.objects.filter(conversation_id=cb.conversation_id, kind="note").exists()


def test_an_after_hours_message_becomes_the_callback(hotline: Channel, make_customer: Any,
                                                     open_chat: Any) -> None:
    customer = make_customer(region="CN")
    with clock.frozen(datetime(2026, 12, 3, 3, 0, tzinfo=SH).astimezone(UTC)):  # chat closed
        conv = open_chat(topic="payments", customer=customer).conversation
        assert conv.after_hours
        cb = services.book(customer, line_id=hotline.pk, slot=SLOT.isoformat(), number="13800138000",
                           topic="general", message="", conversation=conv)
    conv.refresh_from_db()
    assert cb.conversation_id == conv.pk and conv.channel == "phone" and conv.queued_at == SLOT
    assert Timer.objects.get(conversation=conv).started_at == SLOT  # the first answer is owed at the slot
    assert Conversation.objects.count() == 1
    stranger = make_customer(region="CN")
    with pytest.raises(errors.CallbackNotFound):
        services.book(stranger, line_id=hotline.pk, slot=SLOT.isoformat(), number="13800138000",
                      topic="general", message="", conversation=conv)


def test_api_refuses_bad_bookings_and_agents(hotline: Channel, api: ApiClient, customer: Any,
                                            make_agent: Any) -> None:
    base = {"line_id": hotline.pk, "slot": SLOT.isoformat(), "number": "13800138000", "message": "请回电"}
    for change, code in (({"slot": "soon"}, "invalid_slot"), ({"number": "0"}, "invalid_phone_number"),
                         ({"line_id": 999999}, "unknown_phone_line"), ({"topic": "nope"}, "invalid_topic"),
                         ({"message": ""}, "invalid_message")):
        r = api.post("/api/v1/phone/callbacks", base | change)
        assert r.json()["code"] == code, (change, r.content)
    staff = _agent_api(make_agent(["payments"]))
    assert staff.post("/api/v1/phone/callbacks", base).status_code == 403
    assert ApiClient().post("/api/v1/phone/callbacks", base).status_code == 401
    assert not Conversation.objects.exists() and not Callback.objects.exists()
    slots = api.get(f"/api/v1/phone/lines/{hotline.pk}/slots").json()
    assert slots["time_zone"] == "Asia/Shanghai" and slots["slots"][0]["start"] == "2026-12-03T02:15:00+00:00"


def test_the_console_asks_for_a_callback_of_a_conversation_without_one(
        hotline: Channel, make_agent: Any, open_chat: Any, api: ApiClient) -> None:
    """A chat with no callback answers 200 with null (the console's normal flow, no failed
    request); an unknown conversation and a customer asking stay refused."""
    agent = make_agent(["general"], role="supervisor")
    conv = open_chat("general").conversation
    staff = _agent_api(agent)
    r = staff.get(f"/api/v1/phone/conversations/{conv.pk}/callback")
    assert r.status_code == 200 and r.json() is None
    assert staff.get("/api/v1/phone/conversations/999999/callback").status_code == 404
    assert api.get(f"/api/v1/phone/conversations/{conv.pk}/callback").status_code in (403, 404)
