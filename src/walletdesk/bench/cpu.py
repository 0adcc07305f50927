"""Where a benchmark's CPU went on this machine: the load generator, the database, the rest.

A share of ``/healthz`` says how a flow compares with the floor, not why. Read before and after
a timed loop, ``/proc`` tells how the machine's CPU time was divided: this process (the load
generator), PostgreSQL's processes, Redis, and the rest of the busy time (the server under test,
the kernel's network work and anything else running; on a quiet machine, mostly the server).
Divided by the requests of the loop, that is a flow's cost per request in each part, the
figures behind what a flow could reach at best (``docs/production.md``).

Linux only: elsewhere ``snapshot`` returns None and the report says nothing of CPU.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

# Process names (``/proc/PID/comm``) of the services a flow talks to.
GROUPS = {"postgres": "database", "redis-server": "redis"}


@dataclass(frozen=True)
class Snapshot:
    busy: int  # machine busy time, clock ticks (every CPU, all but idle and iowait)
    own: int  # this process, ticks
    groups: dict[str, int]  # ticks of the processes of each group in GROUPS


def _proc_ticks(pid: str) -> tuple[str, int] | None:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as f:
            raw = f.read()
    except OSError:  # the process ended in between
        return None
    name = raw[raw.index("(") + 1:raw.rindex(")")]
    fields = raw[raw.rindex(")") + 2:].split()
    return name, int(fields[11]) + int(fields[12])  # utime + stime


def snapshot() -> Snapshot | None:
    try:
        with open("/proc/stat", encoding="ascii") as f:
            cpu = f.readline().split()
    except OSError:
        return None
    if not cpu or cpu[0] != "cpu":
        return None
    ticks = [int(x) for x in cpu[1:9]]  # user nice system idle iowait irq softirq steal
    busy = sum(ticks) - ticks[3] - ticks[4]
    groups = dict.fromkeys(GROUPS.values(), 0)
    own = 0
    me = str(os.getpid())
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        found = _proc_ticks(pid)
        if found is None:
            continue
        name, used = found
        if pid == me:
            own = used
        elif name in GROUPS:
            groups[GROUPS[name]] += used
    return Snapshot(busy, own, groups)


def per_request(before: Snapshot | None, after: Snapshot | None,
                requests: int) -> dict[str, float] | None:
    """Milliseconds of CPU per request between two snapshots: ``machine`` (all busy time),
    ``load_generator`` (this process), ``database``, ``redis`` and ``server_and_rest``
    (the machine's busy time less the three others). Processes that started or ended between
    the snapshots count with all they had used at the second, or not at all (a group never
    counts below zero)."""
    if before is None or after is None or requests <= 0:
        return None
    ms_per_tick = 1000 / os.sysconf("SC_CLK_TCK")

    def ms(ticks: int) -> float:
        return round(max(ticks, 0) * ms_per_tick / requests, 3)

    parts = {name: max(after.groups[name] - before.groups[name], 0) for name in after.groups}
    own = after.own - before.own
    busy = after.busy - before.busy
    return {"machine": ms(busy), "load_generator": ms(own),
            **{name: ms(t) for name, t in parts.items()},
            "server_and_rest": ms(busy - own - sum(parts.values()))}
