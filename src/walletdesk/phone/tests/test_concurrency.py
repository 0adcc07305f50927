"""The last seat of a slot goes to one booking only, under real concurrency (PostgreSQL)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connections

from walletdesk.core import clock
from walletdesk.directory import demo as directory_demo
from walletdesk.directory.models import Channel
from walletdesk.phone import errors, services
from walletdesk.phone.models import Callback
from walletdesk.support.models import Conversation

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 12, 3, 10, 2, tzinfo=SH).astimezone(UTC)
SLOT = datetime(2026, 12, 3, 14, 30, tzinfo=SH).astimezone(UTC)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_eight_bookings_for_the_last_seat_one_wins(make_customer: Any, settings: Any) -> None:
    settings.PHONE = {**settings.PHONE, "SLOT_CAPACITY": 2}
    directory_demo.seed()
    line = Channel.objects.get(region__code="CN", kind="phone", normalized="+864008201024")
    customers = [make_customer(region="CN") for _ in range(9)]
    results: list[str] = []
    barrier = threading.Barrier(8)
    with clock.frozen(NOW):
        services.book(customers[8], line_id=line.pk, slot=SLOT.isoformat(), number="13800138000",
                      topic="payments", message="请回电")

        def attempt(customer: Any) -> None:
            barrier.wait()
            try:
                services.book(customer, line_id=line.pk, slot=SLOT.isoformat(), number="13800138000",
                              topic="payments", message="请回电")
                results.append("booked")
            except errors.SlotFull:
                results.append("full")
            finally:
                connections.close_all()

        threads = [threading.Thread(target=attempt, args=(c,)) for c in customers[:8]]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert sorted(results) == ["booked"] + ["full"] * 7
    seats = list(Callback.objects.filter(slot_start=SLOT).values_list("seat", flat=True))
    assert None not in seats and sorted(s for s in seats if s is not None) == [1, 2]
    assert Conversation.objects.count() == 2  # the refused bookings left nothing behind
