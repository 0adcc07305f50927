"""Service-level timers on real conversations with a moved clock: warnings and breaches at
their exact moments across closed nights, weekends, holidays and a DST change; the
resolution timer pauses while waiting on the customer; events are pushed to consoles."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from walletdesk.core import clock
from walletdesk.core.services import jobs
from walletdesk.directory import demo as directory_demo
from walletdesk.servicelevels import services
from walletdesk.servicelevels.models import Event, Policy, Timer
from walletdesk.support import events as support_events
from walletdesk.support.models import Conversation
from walletdesk.support.services import chat, conversations

HK, LON = ZoneInfo("Asia/Hong_Kong"), ZoneInfo("Europe/London")
ONE_SECOND = timedelta(seconds=1)


def at(tz: ZoneInfo, year: int, month: int, day: int, hour: int = 0, minute: int = 0,
          second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=tz).astimezone(UTC)


@pytest.fixture
def directory(db: Any) -> None:
    directory_demo.seed()  # HK: phone Mon-Fri 9-18, Sat 9-13, Christmas closed; INTL: London 8-20


@pytest.fixture
def pushed(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, dict[str, Any]]]:
    sent: list[tuple[str, dict[str, Any]]] = []
    monkeypatch.setattr(support_events, "send_now", lambda group, frame: sent.append((group, frame)))
    return sent


def open_at(when: datetime, make_customer: Any, region: str, topic: str = "payments") -> Conversation:
    with clock.frozen(when):
        return conversations.open_conversation(make_customer(region=region), topic=topic,
                                               message="钱没到账", use_triage=False).conversation


def check_at(when: datetime, capture: Any) -> list[tuple[str, str]]:
    with clock.frozen(when), capture(execute=True):
        return [(e.target, e.kind) for e in services.check()]


def test_defaults_are_seeded_and_copied_into_each_timer(directory: None, make_customer: Any) -> None:
    assert {(p.priority, p.first_response_minutes, p.resolution_minutes, p.warn_percent)
            for p in Policy.objects.all()} == {(30, 15, 240, 80), (20, 30, 480, 80), (10, 60, 1440, 80)}
    conv = open_at(at(HK, 2026, 12, 3, 10), make_customer, "HK", topic="account_locked")
    timer = Timer.objects.get(conversation=conv)
    assert (timer.priority, timer.first_response_minutes, timer.started_at) == (30, 15, conv.created_at)
    Policy.objects.filter(priority=30).update(first_response_minutes=5)
    timer.refresh_from_db()
    assert timer.first_response_minutes == 15  # open conversations keep their targets


def test_first_response_warning_and_breach_over_a_closed_night(
        directory: None, make_customer: Any, pushed: list[Any],
        django_capture_on_commit_callbacks: Any) -> None:
    # Friday 17:30 HK, normal priority: 60 business minutes; 30 on Friday, the rest on Saturday
    # from 09:00. Warning at 80 % (48 min): Saturday 09:18. Breach: Saturday 09:30.
    conv = open_at(at(HK, 2026, 12, 4, 17, 30), make_customer, "HK")
    warn, due = at(HK, 2026, 12, 5, 9, 18), at(HK, 2026, 12, 5, 9, 30)
    assert check_at(at(HK, 2026, 12, 4, 23), django_capture_on_commit_callbacks) == []
    assert check_at(warn - ONE_SECOND, django_capture_on_commit_callbacks) == []
    assert check_at(warn, django_capture_on_commit_callbacks) == [("first_response", "warning")]
    assert check_at(due - ONE_SECOND, django_capture_on_commit_callbacks) == []
    assert check_at(due, django_capture_on_commit_callbacks) == [("first_response", "breach")]
    assert check_at(due + timedelta(hours=1), django_capture_on_commit_callbacks) == []  # once
    stored = {(e.kind, e.at) for e in Event.objects.filter(conversation=conv)}
    assert stored == {("warning", warn), ("breach", due)}
    timer = Timer.objects.get(conversation=conv)
    assert timer.state == Timer.State.BREACHED and timer.first_response_due == due
    frames = [(g, f["kind"]) for g, f in pushed if f.get("type") == "sla"]
    assert ("support.agents", "warning") in frames and ("support.agents", "breach") in frames
    assert (support_events.staff_group(conv.pk), "breach") in frames
    assert not any(g == support_events.conv_group(conv.pk) for g, f in pushed if f.get("type") == "sla")


def test_a_holiday_weekend_is_not_counted(directory: None, make_customer: Any,
                                          django_capture_on_commit_callbacks: Any) -> None:
    # Thursday 24 Dec 17:50 HK, urgent (15 min): 10 min on Thursday; 25 and 26 are holidays,
    # Sunday is closed: the last 5 minutes run on Monday 28th from 09:00.
    conv = open_at(at(HK, 2026, 12, 24, 17, 50), make_customer, "HK", topic="account_locked")
    due = at(HK, 2026, 12, 28, 9, 5)
    assert check_at(at(HK, 2026, 12, 27, 12), django_capture_on_commit_callbacks) == []
    # 80 % of 15 min = 12 min: Thursday's 10, then 2 on Monday
    assert check_at(at(HK, 2026, 12, 28, 9, 2), django_capture_on_commit_callbacks) == [
        ("first_response", "warning")]
    assert check_at(due - ONE_SECOND, django_capture_on_commit_callbacks) == []
    assert check_at(due, django_capture_on_commit_callbacks) == [("first_response", "breach")]
    assert Timer.objects.get(conversation=conv).first_response_due == due


def test_dst_region(directory: None, make_customer: Any, django_capture_on_commit_callbacks: Any) -> None:
    # International desk, London time: Friday 26 March 2027 19:30 GMT, normal priority.
    conv = open_at(at(LON, 2027, 3, 26, 19, 30), make_customer, "INTL")
    due = datetime(2027, 3, 29, 7, 30, tzinfo=UTC)  # Monday 08:30 BST after the change
    assert check_at(due - ONE_SECOND, django_capture_on_commit_callbacks) == [("first_response", "warning")]
    assert check_at(due, django_capture_on_commit_callbacks) == [("first_response", "breach")]
    assert Event.objects.get(conversation=conv, kind="breach").at == due


def test_a_reply_in_time_meets_the_first_response_target(
        directory: None, make_customer: Any, make_agent: Any,
        django_capture_on_commit_callbacks: Any) -> None:
    conv = open_at(at(HK, 2026, 12, 3, 10), make_customer, "HK")
    with clock.frozen(at(HK, 2026, 12, 3, 10, 20)):
        agent = make_agent(["payments"])
        conversations.accept(agent, conv)
        chat.post(conv, agent.user, "您好，我来查一下", agent=agent)
    assert check_at(at(HK, 2026, 12, 3, 12), django_capture_on_commit_callbacks) == []
    timer = Timer.objects.get(conversation=conv)
    assert timer.first_response_at == at(HK, 2026, 12, 3, 10, 20) and timer.state == Timer.State.OK


def test_waiting_on_the_customer_pauses_the_resolution_timer(
        directory: None, make_customer: Any, make_agent: Any,
        django_capture_on_commit_callbacks: Any) -> None:
    # Urgent: resolution within 240 business minutes. Opened Thursday 10:00 HK.
    conv = open_at(at(HK, 2026, 12, 3, 10), make_customer, "HK", topic="account_locked")
    with clock.frozen(at(HK, 2026, 12, 3, 10, 5)):
        agent = make_agent(["account_security"])
        conversations.accept(agent, conv)
        chat.post(conv, agent.user, "请在 App 内确认身份提示", agent=agent)  # → waiting on customer
    check_at(at(HK, 2026, 12, 3, 11), django_capture_on_commit_callbacks)
    timer = Timer.objects.get(conversation=conv)
    assert timer.paused and timer.resolution_due is None and timer.resolution_warn_at is None
    # The customer answers on Friday at 09:35: the pause lasted 08:55 business hours
    # (Thu 10:05-18:00 and Fri 09:00-09:35); 5 minutes had counted before it.
    with clock.frozen(at(HK, 2026, 12, 4, 9, 35)):
        chat.post(conv, conv.customer, "已确认")
    check_at(at(HK, 2026, 12, 4, 9, 36), django_capture_on_commit_callbacks)
    timer.refresh_from_db()
    assert not timer.paused
    assert timer.resolution_due == at(HK, 2026, 12, 4, 9, 35) + timedelta(minutes=235)
    assert timer.paused_seconds == (7 * 60 + 55 + 35) * 60
    assert check_at(timer.resolution_due - ONE_SECOND, django_capture_on_commit_callbacks) == [
        ("resolution", "warning")]
    assert check_at(timer.resolution_due, django_capture_on_commit_callbacks) == [("resolution", "breach")]


def test_resolving_stops_the_timers(directory: None, make_customer: Any, make_agent: Any,
                                    django_capture_on_commit_callbacks: Any) -> None:
    conv = open_at(at(HK, 2026, 12, 3, 10), make_customer, "HK")
    with clock.frozen(at(HK, 2026, 12, 3, 10, 10)):
        agent = make_agent(["payments"])
        conversations.accept(agent, conv)
        chat.post(conv, agent.user, "已处理", agent=agent)
        conversations.resolve(agent, conv)
    assert check_at(at(HK, 2026, 12, 10, 10), django_capture_on_commit_callbacks) == []
    timer = Timer.objects.get(conversation=conv)
    assert timer.stopped_at == at(HK, 2026, 12, 3, 10, 10) and timer.state == Timer.State.MET


def test_the_periodic_job_raises_them(directory: None, make_customer: Any) -> None:
    conv = open_at(at(HK, 2026, 12, 4, 17, 30), make_customer, "HK")
    with clock.frozen(at(HK, 2026, 12, 5, 9, 30)):
        jobs.run_pending()
    kinds = set(Event.objects.filter(conversation=conv).values_list("kind", flat=True))
    assert kinds == {"warning", "breach"}


def test_a_callback_counts_from_its_slot(directory: None, make_customer: Any,
                                         django_capture_on_commit_callbacks: Any) -> None:
    slot = at(HK, 2026, 12, 7, 14)
    with clock.frozen(at(HK, 2026, 12, 4, 17)):
        conv = conversations.open_conversation(make_customer(region="HK"), topic="payments", message="请回电",
                                               channel="phone", use_triage=False,
                                               hold_until=slot).conversation
    assert Timer.objects.get(conversation=conv).started_at == slot
    assert check_at(slot + timedelta(minutes=59), django_capture_on_commit_callbacks) == [
        ("first_response", "warning")]


def test_bad_policies_are_refused(db: Any) -> None:
    policy = Policy.objects.get(priority=10)
    for field, value in (("first_response_minutes", 0), ("resolution_minutes", 5), ("warn_percent", 100)):
        candidate = Policy.objects.get(pk=policy.pk)
        setattr(candidate, field, value)
        with pytest.raises(services.InvalidPolicy):
            services.save_policy(candidate)
    policy.refresh_from_db()
    assert (policy.first_response_minutes, policy.resolution_minutes, policy.warn_percent) == (60, 1440, 80)


def test_a_priority_change_brings_that_prioritys_targets(directory: None, make_customer: Any,
                                                       django_capture_on_commit_callbacks: Any) -> None:
    conv = open_at(at(HK, 2026, 12, 3, 10), make_customer, "HK")  # normal: 60 min
    assert check_at(at(HK, 2026, 12, 3, 10, 5), django_capture_on_commit_callbacks) == []
    Conversation.objects.filter(pk=conv.pk).update(priority=30)  # as triage routing does
    assert check_at(at(HK, 2026, 12, 3, 10, 15), django_capture_on_commit_callbacks) == [
        ("first_response", "warning"), ("first_response", "breach")]
    timer = Timer.objects.get(conversation=conv)
    assert (timer.priority, timer.first_response_minutes) == (30, 15)
    assert timer.first_response_due == at(HK, 2026, 12, 3, 10, 15)
