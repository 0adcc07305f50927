"""A small desk with a moved clock: two regions, hours with a holiday, four conversations.

Everything the figures tests assert is computed by hand in ``WEEK`` below.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from walletdesk.accounts.models import User
from walletdesk.accounts.services import issue_token
from walletdesk.conftest import ApiClient
from walletdesk.core import clock
from walletdesk.directory import services as directory
from walletdesk.directory.models import Channel, Region, ServiceHours
from walletdesk.support import services
from walletdesk.support.models import Agent
from walletdesk.support.services import chat, conversations

SHANGHAI = ZoneInfo("Asia/Shanghai")
_n = itertools.count(8100)


def local(day: int, hh: int, mm: int = 0, tz: ZoneInfo = SHANGHAI) -> datetime:
    """2026-11-<day> hh:mm local time as an aware UTC instant (2 Nov 2026 is a Monday)."""
    return datetime(2026, 11, day, hh, mm, tzinfo=tz).astimezone(UTC)


def make_directory() -> None:
    """CN: chat Mon–Fri 09:00–18:00 (Shanghai), Wed 4 Nov a holiday; email has no hours.
    HK: chat around the clock."""
    cn = directory.save_region(Region(code="CN", name_zh="中国大陆", name_en="Mainland China",
                                      time_zone="Asia/Shanghai", sort_order=1))
    hk = directory.save_region(Region(code="HK", name_zh="香港", name_en="Hong Kong",
                                      time_zone="Asia/Hong_Kong", sort_order=2))
    office = directory.save_hours(ServiceHours(name="cn-office", time_zone="Asia/Shanghai"),
                                  [(d, time(9), time(18)) for d in range(5)])
    directory.set_special_day(office, date(2026, 11, 4), closed=True, name_en="Holiday")
    always = directory.save_hours(ServiceHours(name="hk-24h", time_zone="Asia/Hong_Kong",
                                               always_open=True))
    for region, kind, value, hours in [(cn, "chat", "In-app chat", office),
                                       (cn, "email", "support@walletdesk.example", None),
                                       (hk, "chat", "In-app chat HK", always)]:
        directory.save_channel(Channel(region=region, kind=kind, value=value, label_zh="客服",
                                       label_en="Support", hours=hours))


def make_agent(role: str = "agent", name: str = "") -> Agent:
    n = next(_n)
    user = User.objects.create_user(f"agent{n}@walletdesk.example", "pw-agent-123456", role=role,
                                    display_name=name or f"Agent {n}")
    return services.save_agent(Agent(user=user, display_name=name or f"坐席{n}",
                                     employee_id=f"WD{n}", skills=["general"],
                                     languages=["zh-hans"], max_concurrent_chats=3))


@dataclass
class Week:
    alice: Agent
    bob: Agent
    supervisor: Agent
    ids: dict[str, int]


def at(instant: datetime) -> None:
    clock._frozen = instant  # tests only: the whole story runs on a frozen, moved clock


def build_week(make_customer: Any) -> Week:
    """Monday 2 – Friday 6 November 2026 (Shanghai), plus one conversation the Sunday before."""
    make_directory()
    alice, bob = make_agent(name="Alice"), make_agent(name="Bob")
    supervisor = make_agent(role="supervisor", name="Sue")
    cn, hk = make_customer(region="CN"), make_customer(region="HK", language="en")
    ids: dict[str, int] = {}

    def open_(key: str, who: User, topic: str, channel: str = "chat") -> Any:
        conv = conversations.open_conversation(who, topic=topic, message="help please",
                                               channel=channel, use_triage=False).conversation
        ids[key] = conv.pk
        return conv

    # A: Mon 10:00 open, 10:05 taken by Alice, 10:10 reply, 11:00 resolved; rated 5.
    at(local(2, 10))
    a = open_("A", cn, "payments")
    at(local(2, 10, 5))
    conversations.accept(alice, a)
    at(local(2, 10, 10))
    chat.post(a, alice.user, "On it", agent=alice)
    at(local(2, 10, 12))
    chat.post(a, cn, "thanks")
    at(local(2, 11))
    conversations.resolve(alice, a)
    conversations.rate(a, 5)

    # B: Mon 17:50 open, 17:55 taken by Alice, reply Tue 09:20, resolved Thu 09:30; rated 3.
    at(local(2, 17, 50))
    b = open_("B", cn, "refunds")
    at(local(2, 17, 55))
    conversations.accept(alice, b)
    at(local(3, 9, 20))
    chat.post(b, alice.user, "Refund started", agent=alice)
    at(local(5, 9, 30))
    conversations.resolve(alice, b)
    conversations.rate(b, 3)

    # C: email, Tue 20:00 open (closed), taken by Bob Thu 09:00, reply 09:10; still open.
    at(local(3, 20))
    c = open_("C", cn, "general", channel="email")
    at(local(5, 9))
    conversations.accept(bob, c)
    at(local(5, 9, 10))
    chat.post(c, bob.user, "Hello", agent=bob)

    # D: HK (always open), Mon 23:00 open, +60 s taken by Bob, +120 s reply, +3600 s resolved.
    at(local(2, 23))
    d = open_("D", hk, "payments")
    at(local(2, 23, 1))
    conversations.accept(bob, d)
    at(local(2, 23, 2))
    chat.post(d, bob.user, "Hi", agent=bob)
    at(local(3, 0))
    conversations.resolve(bob, d)

    # E: Sunday 1 Nov 23:59, before the range.
    at(local(1, 23, 59))
    open_("E", cn, "payments")
    at(local(7, 12))
    return Week(alice, bob, supervisor, ids)


@pytest.fixture
def week(make_customer: Any) -> Iterator[Week]:
    try:
        yield build_week(make_customer)
    finally:
        clock.reset()


@pytest.fixture
def api_as() -> Any:
    def make(user: User) -> ApiClient:
        return ApiClient(issue_token(user))

    return make
