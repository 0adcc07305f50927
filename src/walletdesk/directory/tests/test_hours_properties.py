"""Properties of "open now / closes at / opens next at" over random timetables and instants."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from walletdesk.directory import hours as h

ZONES = ["Asia/Shanghai", "Asia/Hong_Kong", "Europe/London", "America/New_York",
         "Australia/Sydney", "Asia/Kolkata"]
SECOND = timedelta(seconds=1)


@st.composite
def timetables(draw: st.DrawFn) -> h.Timetable:
    tz = draw(st.sampled_from(ZONES))
    weekly: dict[int, list[h.Period]] = {}
    for day in range(7):
        starts = sorted(draw(st.sets(st.integers(0, 23), max_size=2)))
        spans = []
        for s in starts:
            length = draw(st.integers(1, 10))
            spans.append(h.Period(time(s), time((s + length) % 24, 30 if length == 10 else 0)))
        weekly[day] = spans
    table = h.Timetable(tz, weekly)
    try:
        h.check_week((d, p) for d, ps in weekly.items() for p in ps)
    except Exception:
        return h.Timetable(tz, {0: [h.Period(time(9), time(17))]})
    return table


instants = st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31)).map(
    lambda d: d.replace(tzinfo=UTC, microsecond=0))


@settings(max_examples=150, deadline=None)
@given(timetables(), instants)
def test_state_is_consistent(table: h.Timetable, at: datetime) -> None:
    state = h.state_at(table, at)
    if state.open_now:
        assert state.closes_at is not None and state.closes_at > at
        assert h.state_at(table, state.closes_at - SECOND).open_now
        assert not h.state_at(table, state.closes_at).open_now
    elif state.next_open_at is not None:
        assert state.next_open_at > at
        assert h.state_at(table, state.next_open_at).open_now
        assert not h.state_at(table, state.next_open_at - SECOND).open_now
        # Nothing opens in between.
        middle = at + (state.next_open_at - at) / 2
        assert not h.state_at(table, middle.replace(microsecond=0)).open_now
