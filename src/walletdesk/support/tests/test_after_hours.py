"""Messages left outside service hours wait as tickets and join the queue when the desk opens
(issue 6 item 4): a closed night, a weekend and a public holiday, with a moved clock."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from walletdesk.core import clock
from walletdesk.core.services import jobs
from walletdesk.directory import services as directory
from walletdesk.directory.models import Channel, Region, ServiceHours
from walletdesk.support import services
from walletdesk.support.models import Conversation
from walletdesk.support.services import conversations

SH = ZoneInfo("Asia/Shanghai")


def local(y: int, m: int, d: int, hh: int, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=SH).astimezone(UTC)


@pytest.fixture
def desk(db: Any) -> Region:
    """CN chat: Monday to Friday 09:00-18:00 Shanghai time, closed on 2026-12-25 (a Friday)."""
    region = directory.save_region(Region(code="CN", name_zh="中国大陆", name_en="Mainland China",
                                          time_zone="Asia/Shanghai"))
    sh = directory.save_hours(ServiceHours(name="cn-chat-test", time_zone="Asia/Shanghai"),
                              weekly=[(d, time(9), time(18)) for d in range(5)])
    directory.set_special_day(sh, date(2026, 12, 25), closed=True, name_en="Christmas Day")
    directory.save_channel(Channel(region=region, kind="chat", value="In-app chat", label_zh="在线客服",
                                   label_en="Online chat", hours=sh))
    return region


def leave_message(open_chat: Any, at: datetime) -> Conversation:
    with clock.frozen(at):
        opened = open_chat(topic="payments", text="转账没有到账")
    assert not opened.open_now and opened.position is None
    return opened.conversation


def release_at(at: datetime, agent: Any = None) -> int:
    with clock.frozen(at):
        if agent is not None:
            services.heartbeat(agent)
        return conversations.release_held()


@pytest.mark.parametrize(("left", "still_closed", "opens"), [
    # Thursday evening → Friday 09:00
    (local(2026, 12, 3, 20), local(2026, 12, 4, 8, 59), local(2026, 12, 4, 9)),
    # Friday evening → nothing on Saturday or Sunday → Monday 09:00
    (local(2026, 12, 4, 18, 30), local(2026, 12, 6, 12), local(2026, 12, 7, 9)),
    # Christmas Eve evening → Christmas Day is a holiday → Monday 28th 09:00
    (local(2026, 12, 24, 19), local(2026, 12, 25, 10), local(2026, 12, 28, 9)),
], ids=["night", "weekend", "holiday"])
def test_a_message_left_after_hours_is_queued_when_the_desk_opens(
        desk: Region, open_chat: Any, make_agent: Any, left: datetime, still_closed: datetime,
        opens: datetime, django_capture_on_commit_callbacks: Any) -> None:
    agent = make_agent(["payments"])
    conv = leave_message(open_chat, left)
    conv.refresh_from_db()
    assert conv.after_hours and conv.status == Conversation.Status.QUEUED and conv.offered_to_id is None

    assert release_at(still_closed, agent) == 0
    conv.refresh_from_db()
    assert conv.after_hours and conv.offered_to_id is None

    with django_capture_on_commit_callbacks(execute=True):
        assert release_at(opens, agent) == 1
    conv.refresh_from_db()
    assert not conv.after_hours
    assert conv.offered_to_id == agent.pk  # routed like any queued conversation
    assert conv.queued_at == left  # keeps its place: it was first in the line
    assert conv.messages.filter(event="queued").count() == 1
    assert release_at(opens) == 0  # idempotent: a second run changes nothing


def test_the_periodic_job_releases_them(desk: Region, open_chat: Any, make_agent: Any) -> None:
    conv = leave_message(open_chat, local(2026, 12, 5, 11))  # Saturday
    with clock.frozen(local(2026, 12, 7, 9, 0, )):
        make_agent(["payments"])
        jobs.run_pending()
    conv.refresh_from_db()
    assert not conv.after_hours and conv.offered_to_id is not None


def test_a_message_left_overnight_goes_ahead_of_one_sent_after_opening(
        desk: Region, open_chat: Any, make_agent: Any) -> None:
    early = leave_message(open_chat, local(2026, 12, 3, 22))
    with clock.frozen(local(2026, 12, 4, 9, 1)):
        late = open_chat(topic="payments", text="你好").conversation
        assert not late.after_hours
        conversations.release_held()
        from walletdesk.support.services import waits

        assert waits.queued("payments") == [early.pk, late.pk]


def test_a_booked_callback_waits_for_its_slot_even_while_the_desk_is_open(
        desk: Region, make_customer: Any) -> None:
    slot = local(2026, 12, 3, 15, 30)
    with clock.frozen(local(2026, 12, 3, 10)):
        conv = conversations.open_conversation(make_customer(), topic="refunds", message="请回电",
                                               channel="phone", use_triage=False,
                                               hold_until=slot).conversation
    assert conv.after_hours and conv.callback_requested and conv.queued_at == slot
    assert release_at(local(2026, 12, 3, 15, 29)) == 0
    assert release_at(slot) == 1


def test_a_night_in_the_held_line_is_not_counted_as_the_queues_wait(
        desk: Region, open_chat: Any, make_agent: Any) -> None:
    """A message left at 22:00 is taken at 09:02, two minutes after the desk let it in: the
    queue's average learns 2 minutes, not 11 hours, so the next customers are not told "about
    2 hours" while agents are free."""
    from walletdesk.support.services import waits

    agent = make_agent(["payments"])
    conv = leave_message(open_chat, local(2026, 12, 3, 22))
    assert release_at(local(2026, 12, 4, 9), agent) == 1
    with clock.frozen(local(2026, 12, 4, 9, 2)):
        conversations.accept(agent, Conversation.objects.get(pk=conv.pk))
    assert waits.ewma("payments") == pytest.approx(120, abs=1)
    # a chat opened while the desk is open counts from its queued time, as before
    with clock.frozen(local(2026, 12, 4, 10)):
        live = open_chat(topic="payments", text="付款失败").conversation
    with clock.frozen(local(2026, 12, 4, 10, 1)):
        conversations.accept(agent, Conversation.objects.get(pk=live.pk))
    assert waits.ewma("payments") == pytest.approx(0.3 * 60 + 0.7 * 120, abs=1)
    # one taken while still held (before the desk let it in) never waited in the live queue
    early = leave_message(open_chat, local(2026, 12, 4, 22))
    with clock.frozen(local(2026, 12, 5, 8)):
        conversations.accept(agent, Conversation.objects.get(pk=early.pk))
    assert waits.ewma("payments") == pytest.approx(0.3 * 60 + 0.7 * 120, abs=1)
