"""Report figures against hand-computed numbers (see conftest.build_week)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from walletdesk.reports import figures
from walletdesk.reports.filters import Filters

WEEK = Filters(date_from=date(2026, 11, 2), date_to=date(2026, 11, 6), time_zone="Asia/Shanghai")


def test_volumes_per_channel_region_topic_and_day(week: Any) -> None:
    v = figures.volumes(WEEK)
    assert v["total"] == 4  # E (Sunday) is outside
    assert v["by_channel"] == [{"key": "chat", "count": 3}, {"key": "email", "count": 1}]
    assert v["by_region"] == [{"key": "CN", "count": 3}, {"key": "HK", "count": 1}]
    assert v["by_topic"] == [{"key": "payments", "count": 2}, {"key": "general", "count": 1},
                             {"key": "refunds", "count": 1}]
    assert v["by_day"] == [{"key": "2026-11-02", "count": 3}, {"key": "2026-11-03", "count": 1},
                           {"key": "2026-11-04", "count": 0}, {"key": "2026-11-05", "count": 0},
                           {"key": "2026-11-06", "count": 0}]


def test_business_times_skip_nights_weekends_and_holidays(week: Any) -> None:
    t = figures.business_times(WEEK)
    # First response: A 600 s; B 17:50→18:00 + 09:00→09:20 = 1800 s; C (Tue 20:00, Wed holiday)
    # → Thu 09:10 = 600 s; D (always open) 120 s.
    fr = t["first_response"]
    assert (fr["count"], fr["unanswered"]) == (4, 0)
    assert fr["average_seconds"] == 780.0
    assert fr["median_seconds"] == 600.0
    assert fr["p90_seconds"] == 1800.0 and fr["max_seconds"] == 1800.0
    # Wall clock: 600 + 55800 (15 h 30) + 133800 (37 h 10) + 120.
    assert fr["average_wall_seconds"] == (600 + 55800 + 133800 + 120) / 4
    # Resolution: A 3600; B Mon 600 + Tue 32400 + Wed 0 (holiday) + Thu 1800 = 34800; D 3600.
    res = t["resolution"]
    assert (res["count"], res["unresolved"]) == (3, 1)
    assert res["average_seconds"] == 14000.0
    assert res["median_seconds"] == 3600.0 and res["p90_seconds"] == 34800.0


def test_queue_waits_are_wall_clock(week: Any) -> None:
    q = figures.queue_waits(WEEK)
    # A 300, B 300, C Tue 20:00 → Thu 09:00 = 133200, D 60.
    assert q["count"] == 4 and q["never_assigned"] == 0
    assert q["average_seconds"] == pytest.approx(133860 / 4)
    assert q["median_seconds"] == 300.0 and q["max_seconds"] == 133200.0
    assert q["p90_seconds"] == 133200.0


def test_satisfaction_distribution_average_and_response_rate(week: Any) -> None:
    s = figures.satisfaction(WEEK)
    assert (s["ended"], s["rated"]) == (3, 2)  # A and B closed by their rating, D resolved
    assert s["response_rate"] == pytest.approx(0.6667)
    assert s["average"] == 4.0
    assert [d["count"] for d in s["distribution"]] == [0, 0, 1, 0, 1]


def test_agent_workload(week: Any) -> None:
    rows = {r["employee_id"]: r for r in figures.agent_workload(WEEK)}
    alice, bob = rows[week.alice.employee_id], rows[week.bob.employee_id]
    assert (alice["conversations"], alice["messages"]) == (2, 2)
    # A 10:05→11:00 (3300 s) and B Mon 17:55 → Thu 09:30 (228900 s), not overlapping.
    assert alice["active_seconds"] == 3300 + 228900
    # D 23:01 → 00:00 (3540 s) and C Thu 09:00 → 09:10 (600 s).
    assert (bob["conversations"], bob["messages"], bob["active_seconds"]) == (2, 2, 4140)
    assert week.supervisor.employee_id not in rows


def test_filters_narrow_every_figure(week: Any) -> None:
    email = Filters(date_from=WEEK.date_from, date_to=WEEK.date_to, time_zone=WEEK.time_zone,
                    channel="email")
    r = figures.report(email)
    assert r["volumes"]["total"] == 1
    assert r["first_response"]["average_seconds"] == 600.0
    assert r["queue_wait"]["average_seconds"] == 133200.0
    assert [a["employee_id"] for a in r["agents"]] == [week.bob.employee_id]
    hk = Filters(date_from=WEEK.date_from, date_to=WEEK.date_to, time_zone=WEEK.time_zone,
                 region="HK")
    assert figures.report(hk)["resolution"]["average_seconds"] == 3600.0
    topic = Filters(date_from=WEEK.date_from, date_to=WEEK.date_to, time_zone=WEEK.time_zone,
                    topic="refunds")
    assert figures.report(topic)["satisfaction"]["average"] == 3.0


def test_the_range_is_read_in_the_viewers_time_zone(week: Any) -> None:
    # In London, Sunday 23:59 Shanghai is Sunday 15:59: E stays out; Monday 10:00 Shanghai
    # (A) is Monday 02:00 London. Monday 23:00 Hong Kong (D) is Monday 15:00 London.
    london = Filters(date_from=date(2026, 11, 2), date_to=date(2026, 11, 2), time_zone="Europe/London")
    v = figures.volumes(london)
    assert v["total"] == 3 and v["by_day"] == [{"key": "2026-11-02", "count": 3}]
    # Monday only in Shanghai: A, B, D.
    monday = Filters(date_from=date(2026, 11, 2), date_to=date(2026, 11, 2), time_zone="Asia/Shanghai")
    assert figures.volumes(monday)["total"] == 3



def test_service_levels_count_recorded_warnings_and_breaches(week: Any, make_customer: Any) -> None:
    from walletdesk.core import clock
    from walletdesk.servicelevels import services as servicelevels
    from walletdesk.support.services import conversations

    from .conftest import at, local

    assert figures.service_levels(WEEK) == {
        "timers": 4, "first_response": {"warned": 0, "breached": 0, "breach_rate": 0.0},
        "resolution": {"warned": 0, "breached": 0, "breach_rate": 0.0}}
    # Monday 9 Nov 10:00: nobody answers; normal priority must be answered within 60 business
    # minutes, warned at 80 %: both are recorded by 11:30.
    at(local(9, 10))
    conversations.open_conversation(make_customer(region="CN"), topic="general", message="hello?",
                                    use_triage=False)
    at(local(9, 11, 30))
    servicelevels.check(clock.now())
    monday = Filters(date_from=date(2026, 11, 9), date_to=date(2026, 11, 9), time_zone="Asia/Shanghai")
    sl = figures.service_levels(monday)
    assert sl["timers"] == 1
    assert sl["first_response"] == {"warned": 1, "breached": 1, "breach_rate": 1.0}
    assert sl["resolution"]["breached"] == 0
    assert figures.service_levels(WEEK)["timers"] == 4  # other ranges unchanged
