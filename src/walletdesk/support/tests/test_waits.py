"""Wait estimates: EWMA of observed waits per queue, scaled by position over free slots."""

from __future__ import annotations

from typing import Any

import pytest

from walletdesk.core import clock
from walletdesk.directory import waits as directory_waits
from walletdesk.directory.models import Channel
from walletdesk.support.models import QueueStat
from walletdesk.support.services import conversations, waits


def test_ewma_starts_with_the_first_sample_and_then_smooths(db: Any) -> None:
    assert waits.ewma("payments") == waits.DEFAULT_WAIT
    waits.record_wait("payments", 100)
    assert waits.ewma("payments") == pytest.approx(100)
    waits.record_wait("payments", 200)
    assert waits.ewma("payments") == pytest.approx(0.3 * 200 + 0.7 * 100)
    assert QueueStat.objects.get(skill="payments").samples == 2


def test_estimate_scales_with_position_and_free_slots(make_agent: Any) -> None:
    assert waits.estimate("general", 1) is None  # nobody on duty: no invented number
    make_agent(cap=1)
    waits.record_wait("general", 60)
    assert waits.estimate("general", 1) == 60
    assert waits.estimate("general", 3) == 180
    make_agent(cap=2)
    assert waits.estimate("general", 3) == 60  # 60 * 3 / 3 free slots
    assert waits.estimate("general", 3, open_now=False) is None


def test_accepting_records_the_wait(make_agent: Any, open_chat: Any) -> None:
    agent = make_agent()
    conv = open_chat().conversation
    clock.advance(seconds=90)
    conversations.accept(agent, conv)
    assert waits.ewma("general") == pytest.approx(90, abs=1)


def test_positions_follow_the_queue(make_agent: Any, open_chat: Any) -> None:
    make_agent(cap=1)
    first, second = open_chat().conversation, open_chat().conversation
    assert waits.position_of(first) == 1 and waits.position_of(second) == 2
    opened = conversations.status_of(second)
    assert opened.position == 2 and opened.estimated_wait_seconds == 2 * int(waits.DEFAULT_WAIT)


def test_registered_with_the_directory(make_agent: Any) -> None:
    chat = Channel(kind="chat")
    assert directory_waits.estimate(chat) is None
    make_agent(cap=1)
    waits.record_wait("general", 45)
    assert directory_waits.estimate(chat) == 50  # rounded up to 10 s
    assert directory_waits.estimate(Channel(kind="email")) is None
    # A chat on WhatsApp is answered elsewhere: this desk's queue says nothing of its wait.
    assert directory_waits.estimate(Channel(kind="chat", platform="whatsapp")) is None
