"""The whole report on PostgreSQL (day truncation in a time zone, duration aggregates):
the same hand-computed numbers as on SQLite."""

from __future__ import annotations

from typing import Any

import pytest

from walletdesk.reports import figures

from .test_figures import WEEK

pytestmark = pytest.mark.postgres


def test_report_figures_on_postgresql(week: Any) -> None:
    r = figures.report(WEEK)
    assert r["volumes"]["total"] == 4
    assert [d["count"] for d in r["volumes"]["by_day"]] == [3, 1, 0, 0, 0]
    assert r["first_response"]["average_seconds"] == 780.0
    assert r["resolution"]["p90_seconds"] == 34800.0
    assert r["queue_wait"]["average_seconds"] == pytest.approx(133860 / 4)
    assert r["queue_wait"]["max_seconds"] == 133200.0
    assert r["satisfaction"]["average"] == 4.0 and r["satisfaction"]["rated"] == 2
    rows = {a["employee_id"]: a for a in r["agents"]}
    assert rows[week.alice.employee_id]["active_seconds"] == 3300 + 228900
