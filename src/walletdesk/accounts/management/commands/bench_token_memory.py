"""``walletdesk bench_token_memory``: what the API's 2-second token memory saves (ADR 0109).

In one process, against the configured database, it reads ``GET /api/v1/wallet`` with one
bearer token N times (Django's test client, in-process) with the memory off (every request
reads the token) and on, alternating for ``--rounds`` rounds, and prints one JSON object: the
median CPU time and wall time per request of each, their ratio (on / off, the same run's
baseline) and the token reads counted per request. Its customer and token are made inside a
transaction that is rolled back, so nothing stays behind.
"""

from __future__ import annotations

import json
import os
import statistics
import time
import uuid
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from walletdesk.accounts import services, token_cache
from walletdesk.accounts.models import User


class _Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "CPU and wall time of a balance read with the token memory off and on (JSON)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--requests", type=int, default=400, help="per measurement")
        parser.add_argument("--rounds", type=int, default=3)

    def handle(self, *args: Any, **options: Any) -> None:
        n, rounds = options["requests"], options["rounds"]
        if n < 1 or rounds < 1:
            raise CommandError("--requests and --rounds must be at least 1")
        report: dict[str, Any] = {}
        try:
            with transaction.atomic():
                report = self._measure(n, rounds)
                raise _Rollback
        except _Rollback:
            pass
        self.stdout.write(json.dumps(report))

    def _measure(self, n: int, rounds: int) -> dict[str, Any]:
        user = User.objects.create_user(f"bench-{uuid.uuid4().hex[:12]}@bench.invalid",
                                        uuid.uuid4().hex, display_name="bench")
        headers = {"Authorization": f"Bearer {services.issue_token(user)}"}
        client = Client()
        ttl = token_cache.TTL_SECONDS
        cpu: dict[str, list[float]] = {"off": [], "on": []}
        wall: dict[str, list[float]] = {"off": [], "on": []}
        reads: dict[str, float] = {}
        try:
            for _ in range(rounds):
                for label, seconds in (("off", 0.0), ("on", ttl)):
                    token_cache.TTL_SECONDS = seconds
                    token_cache.clear()
                    with CaptureQueriesContext(connection) as ctx:
                        for _ in range(n):
                            if client.get("/api/v1/wallet", headers=headers).status_code != 200:
                                raise CommandError("the balance read failed")
                    reads[label] = sum("accounts_apitoken" in q["sql"]
                                       and q["sql"].lstrip().upper().startswith("SELECT")
                                       for q in ctx.captured_queries) / n
                    c0, w0 = time.process_time(), time.perf_counter()
                    for _ in range(n):
                        client.get("/api/v1/wallet", headers=headers)
                    cpu[label].append((time.process_time() - c0) / n * 1e6)
                    wall[label].append((time.perf_counter() - w0) / n * 1e6)
        finally:
            token_cache.TTL_SECONDS = ttl
            token_cache.clear()
        off_cpu, on_cpu = statistics.median(cpu["off"]), statistics.median(cpu["on"])
        off_wall, on_wall = statistics.median(wall["off"]), statistics.median(wall["on"])
        return {
            "database": connection.vendor, "requests": n, "rounds": rounds,
            "token_reads_per_request": reads,
            "cpu_us_per_request": {"off": round(off_cpu, 1), "on": round(on_cpu, 1)},
            "wall_us_per_request": {"off": round(off_wall, 1), "on": round(on_wall, 1)},
            "cpu_ratio_on_off": round(on_cpu / off_cpu, 3),
            "wall_ratio_on_off": round(on_wall / off_wall, 3),
            "load_average": [round(x, 2) for x in os.getloadavg()],
        }
