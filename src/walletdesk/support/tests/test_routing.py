"""Queue and routing: skill, language, priority, capacity, least-loaded, re-queue, references."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings

from walletdesk.accounts.services import holds
from walletdesk.core import clock
from walletdesk.core.services import jobs
from walletdesk.support import services
from walletdesk.support.errors import AlreadyTaken, AtCapacity
from walletdesk.support.models import PRIORITY_URGENT, Agent, Conversation
from walletdesk.support.services import conversations, routing, waits


def test_reference_format_and_uniqueness(open_chat: Any) -> None:
    refs = [open_chat().conversation.reference for _ in range(3)]
    day = clock.now().astimezone(ZoneInfo(settings.DESK_TIME_ZONE)).strftime("%Y%m%d")  # ADR 0117
    assert all(re.fullmatch(rf"CS-{day}-\d{{6}}", r) for r in refs)
    assert len(set(refs)) == 3
    assert [int(r[-6:]) for r in refs] == sorted(int(r[-6:]) for r in refs)


def test_offer_goes_by_skill_and_language(make_agent: Any, open_chat: Any) -> None:
    en_pay = make_agent(["payments"], ["en"])
    zh_pay = make_agent(["payments"], ["zh-hans"])
    make_agent(["refunds"], ["zh-hans"])
    conv = open_chat("payments").conversation
    conv.refresh_from_db()
    assert conv.skill == "payments" and conv.language == "zh-hans"
    assert conv.offered_to_id == zh_pay.pk
    en = open_chat("payments", language="en").conversation
    en.refresh_from_db()
    assert en.offered_to_id == en_pay.pk


def test_priority_orders_the_queue(make_agent: Any, open_chat: Any, make_customer: Any) -> None:
    normal = open_chat("general").conversation
    fraud = open_chat("suspected_fraud").conversation
    locked_user = make_customer()
    holds.place(locked_user, "security", "test")
    held = open_chat("general", customer=locked_user).conversation
    assert fraud.priority == PRIORITY_URGENT and held.priority == PRIORITY_URGENT
    assert waits.queued("general") == [held.pk, normal.pk]  # urgent goes ahead of an older normal one
    assert waits.position_of(Conversation.objects.get(pk=normal.pk)) == 2
    assert waits.queued("account_security") == [fraud.pk]


def test_least_loaded_agent_and_capacity(make_agent: Any, open_chat: Any) -> None:
    a = make_agent(cap=2)
    b = make_agent(cap=4)
    c1 = open_chat().conversation
    conversations.accept(a, c1)
    c2 = open_chat().conversation
    c2.refresh_from_db()
    assert c2.offered_to_id == b.pk  # a is at 1/2, b at 0/4
    c3 = open_chat().conversation
    conversations.accept(a, c3)
    with pytest.raises(AtCapacity):
        conversations.accept(a, open_chat().conversation)
    assert routing.pick_agent(Conversation(skill="general", language="zh-hans"),
                              [a, b], routing.loads()) == b


def test_only_one_agent_wins(make_agent: Any, open_chat: Any) -> None:
    a, b = make_agent(), make_agent()
    conv = open_chat().conversation
    conversations.accept(a, conv)
    with pytest.raises(AlreadyTaken):
        conversations.accept(b, conv)
    conv.refresh_from_db()
    assert conv.agent_id == a.pk and conv.status == Conversation.Status.ACTIVE


def test_away_gives_chats_back_to_the_queue(make_agent: Any, open_chat: Any) -> None:
    a, b = make_agent(), make_agent()
    conv = open_chat().conversation
    conversations.accept(a, conv)
    routing.set_status(a, Agent.Status.AWAY)
    conv.refresh_from_db()
    assert conv.status == Conversation.Status.QUEUED and conv.agent is None
    assert conv.offered_to_id == b.pk
    assert conv.messages.filter(event="requeued").exists()


def test_expired_heartbeat_requeues_from_the_periodic_job(make_agent: Any, open_chat: Any) -> None:
    a = make_agent()
    conv = open_chat().conversation
    conversations.accept(a, conv)
    assert "support.expire_agents" in jobs._periodic
    clock.advance(seconds=services.HEARTBEAT_TTL.total_seconds() + 1)
    assert routing.expire_agents() == 1
    a.refresh_from_db()
    conv.refresh_from_db()
    assert a.status == Agent.Status.OFFLINE
    assert conv.status == Conversation.Status.QUEUED and conv.agent is None


def test_socket_close_expires_after_a_short_grace(make_agent: Any, open_chat: Any) -> None:
    a = make_agent()
    conv = open_chat().conversation
    conversations.accept(a, conv)
    routing.disconnected(a, grace_seconds=20)
    assert routing.expire_agents() == 0
    clock.advance(seconds=21)
    assert routing.expire_agents() == 1
    conv.refresh_from_db()
    assert conv.status == Conversation.Status.QUEUED


def test_transfer_to_agent_and_to_queue(make_agent: Any, open_chat: Any) -> None:
    a = make_agent(["general", "refunds"])
    b = make_agent(["general"])
    conv = open_chat().conversation
    conversations.accept(a, conv)
    conversations.transfer(a, conv, to_agent=b, note="客户要求退款")
    conv.refresh_from_db()
    assert conv.agent_id == b.pk
    assert conv.messages.filter(kind="note", text="客户要求退款").exists()
    conversations.transfer(b, conv, to_skill="refunds")
    conv.refresh_from_db()
    assert conv.status == Conversation.Status.QUEUED and conv.skill == "refunds"
    assert conv.offered_to_id == a.pk


def test_after_hours_leaves_a_message_and_offers_a_callback(make_agent: Any, open_chat: Any,
                                                           monkeypatch: Any) -> None:
    make_agent()
    monkeypatch.setattr(conversations, "chat_hours", lambda region: (False, clock.now() + timedelta(hours=9)))
    opened = open_chat()
    assert not opened.open_now and opened.position is None and opened.estimated_wait_seconds is None
    conv = opened.conversation
    conv.refresh_from_db()
    assert conv.after_hours and conv.offered_to_id is None
    conversations.request_callback(conv)
    assert conv.callback_requested


def test_resolve_and_rate(make_agent: Any, open_chat: Any) -> None:
    a = make_agent()
    conv = open_chat().conversation
    with pytest.raises(Exception, match="not_resolved"):
        conversations.rate(conv, 5)
    conversations.accept(a, conv)
    conversations.resolve(a, conv)
    conversations.rate(conv, 4, "很快")
    conv.refresh_from_db()
    assert (conv.rating, conv.rating_comment, conv.status) == (4, "很快", Conversation.Status.CLOSED)
    with pytest.raises(Exception, match="already_rated"):
        conversations.rate(conv, 5)
