"""The CPU split of the benchmarks (``walletdesk.bench.cpu``)."""

from __future__ import annotations

import os
import sys
import time

import pytest

from walletdesk.bench import cpu


def test_the_split_divides_the_machine_busy_time_per_request() -> None:
    tick_ms = 1000 / os.sysconf("SC_CLK_TCK")
    before = cpu.Snapshot(busy=1000, own=100, groups={"database": 50, "redis": 5})
    after = cpu.Snapshot(busy=1400, own=180, groups={"database": 170, "redis": 5})
    split = cpu.per_request(before, after, requests=40)
    assert split == {"machine": 10 * tick_ms, "load_generator": 2 * tick_ms,
                     "database": 3 * tick_ms, "redis": 0.0,
                     "server_and_rest": 5 * tick_ms}
    # Nothing to divide: no requests, or no /proc.
    assert cpu.per_request(before, after, requests=0) is None
    assert cpu.per_request(None, after, requests=10) is None
    # A database process that ended in between makes its group look negative: never below 0.
    gone = cpu.Snapshot(busy=1100, own=110, groups={"database": 20, "redis": 5})
    split = cpu.per_request(before, gone, requests=10)
    assert split is not None and split["database"] == 0.0


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_a_snapshot_sees_this_process_working() -> None:
    first = cpu.snapshot()
    spend_until = time.process_time() + 0.3
    while time.process_time() < spend_until:  # 0.3 s of this process's CPU, however busy
        sum(range(1000))
    second = cpu.snapshot()
    assert first is not None and second is not None
    split = cpu.per_request(first, second, requests=1)
    assert split is not None
    assert split["load_generator"] >= 250  # ms: what it spent, less a clock tick or two
    assert split["machine"] >= split["load_generator"] * 0.9
    assert set(second.groups) == {"database", "redis"}
