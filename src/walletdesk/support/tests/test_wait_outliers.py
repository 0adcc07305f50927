"""One long wait must not hijack the queue's average; a sustained rise must still be followed."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from walletdesk.support.models import QueueStat
from walletdesk.support.services import waits


def steady(skill: str, seconds: float, n: int = 5) -> None:
    for _ in range(n):
        waits.record_wait(skill, seconds)


def expected_after(average: float, sample: float) -> float:
    """The rule, written out in Python: the sample is clamped, then folded in."""
    counted = min(sample, max(waits.OUTLIER_FACTOR * average, waits.CAP_FLOOR))
    return (1 - waits.ALPHA) * average + waits.ALPHA * counted


def test_one_two_hour_wait_moves_the_average_only_as_far_as_the_cap(make_agent: Any) -> None:
    make_agent(cap=1)
    steady("general", 120)
    assert waits.ewma("general") == pytest.approx(120)
    waits.record_wait("general", 2 * 3600)
    # counted as 3 × 120 = 360 s: 0.7 · 120 + 0.3 · 360 = 192 s (37.4 min without the cap)
    assert waits.ewma("general") == pytest.approx(0.7 * 120 + 0.3 * 360)
    assert waits.ewma("general") == pytest.approx(192)
    assert waits.estimate("general", 1) == 200  # 3 min 20 s, not 37 minutes
    assert waits.estimator("general")(1) == 200
    assert QueueStat.objects.get(skill="general").samples == 6  # the outlier still counts as a sample


def test_a_sustained_rise_is_followed(db: Any) -> None:
    steady("general", 120)
    expected = 120.0
    for _ in range(10):
        waits.record_wait("general", 20 * 60)
        expected = expected_after(expected, 20 * 60)
        assert waits.ewma("general") == pytest.approx(expected)
    assert waits.ewma("general") == pytest.approx(1141.65, abs=0.01)
    assert waits.ewma("general") >= 0.9 * 20 * 60
    assert QueueStat.objects.get(skill="general").samples == 15


def test_each_sample_lifts_the_average_by_at_most_60_percent(db: Any) -> None:
    steady("general", 300, n=1)
    waits.record_wait("general", 10**6)
    assert waits.ewma("general") == pytest.approx(300 * 1.6)


def test_an_average_near_zero_can_still_rise(db: Any) -> None:
    waits.record_wait("general", 0)
    assert waits.ewma("general") == 0
    waits.record_wait("general", 600)
    # the cap is never below 60 s: 0.3 · 60 = 18 s, not stuck at 0
    assert waits.ewma("general") == pytest.approx(18)
    waits.record_wait("general", 600)
    assert waits.ewma("general") == pytest.approx(expected_after(18, 600))


def test_a_short_wait_within_the_cap_counts_as_is(db: Any) -> None:
    waits.record_wait("payments", 100)
    waits.record_wait("payments", 250)  # below 3 × 100
    assert waits.ewma("payments") == pytest.approx(0.3 * 250 + 0.7 * 100)


def test_the_first_sample_is_capped_by_the_ceiling(db: Any) -> None:
    waits.record_wait("payments", 5 * 3600)
    assert waits.ewma("payments") == waits.FIRST_CEILING == 1800
    assert QueueStat.objects.get(skill="payments").samples == 1
    waits.record_wait("kyc", 900)  # below the ceiling: as is
    assert waits.ewma("kyc") == 900


def test_negative_seconds_count_as_zero(db: Any) -> None:
    waits.record_wait("payments", -30)
    assert waits.ewma("payments") == 0
    waits.record_wait("general", 200)
    waits.record_wait("general", -5)
    assert waits.ewma("general") == pytest.approx(0.7 * 200)
    assert QueueStat.objects.get(skill="general").samples == 2


def test_the_clamp_is_inside_one_update(db: Any) -> None:
    waits.record_wait("general", 120)
    with CaptureQueriesContext(connection) as ctx:
        waits.record_wait("general", 7200)
    writes = [q["sql"] for q in ctx.captured_queries if q["sql"].lstrip().upper().startswith("UPDATE")]
    assert len(writes) == 1
    assert "LEAST(" in writes[0].upper() or "MIN(" in writes[0].upper()  # the clamp is SQL, not Python
    assert waits.ewma("general") == pytest.approx(192)
