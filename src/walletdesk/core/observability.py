"""Health, readiness and metrics endpoints, and structured logs.

* ``/healthz``: the process answers (no dependency is touched).
* ``/readyz``: the database answers ``SELECT 1`` and, when configured, Redis
  answers ``PING``; 503 with the failing part otherwise. It also reports the last
  run of each integrity check (``core.checkruns``: the audit chain's verification,
  time and result), which does not change the status: a broken chain is an alert
  for people, not a reason to take the process out of service (ADR 0106).
* ``/metrics``: Prometheus text. Business gauges are read from the database
  at scrape time, so every process reports the same figures.
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Gauge, generate_latest


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


def _check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _check_redis() -> None:
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2)
    try:
        client.ping()
    finally:
        client.close()


@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    checks: dict[str, str] = {}
    parts = [("database", _check_database)]
    if settings.REDIS_URL:
        parts.append(("redis", _check_redis))
    for name, check in parts:
        try:
            check()
            checks[name] = "ok"
        except Exception as exc:  # the point is to report any failure
            checks[name] = f"error: {type(exc).__name__}"
    ready = all(v == "ok" for v in checks.values())
    body: dict[str, Any] = {"status": "ok" if ready else "unavailable", "checks": checks}
    if checks["database"] == "ok":
        body["verified"] = _last_verifications()
    return JsonResponse(body, status=200 if ready else 503)


def _last_verifications() -> dict[str, dict[str, str | None]]:
    from walletdesk.core.models import CheckRun
    from walletdesk.core.services import checkruns

    found = {run.name: run for run in checkruns.every()}
    report: dict[str, dict[str, str | None]] = {}
    for name in INTEGRITY_CHECKS:
        run: CheckRun | None = found.get(name)
        report[name] = {"at": run.checked_at.isoformat() if run else None,
                        "result": "never" if run is None else ("ok" if run.ok else "broken")}
    return report


# Reported even before their first run ("never"), so a check that does not run shows.
INTEGRITY_CHECKS = ("audit_chain",)


def _business_gauges(registry: CollectorRegistry) -> None:
    from walletdesk.core.models import Job
    from walletdesk.wallet.models import Transaction

    pending = Gauge("walletdesk_transactions_pending", "Transactions waiting on the network",
                    ["type"], registry=registry)
    for kind, count in _counts(Transaction.objects.filter(status="pending"), "type"):
        pending.labels(kind).set(count)
    jobs = Gauge("walletdesk_jobs", "Background jobs by status", ["status"], registry=registry)
    for status, count in _counts(Job.objects.exclude(status="done"), "status"):
        jobs.labels(status).set(count)
    oldest = Job.objects.filter(status="queued").order_by("run_at").values_list(
        "run_at", flat=True).first()
    lag = Gauge("walletdesk_jobs_oldest_due_seconds", "Age of the oldest due job",
                registry=registry)
    if oldest is not None:
        from walletdesk.core import clock

        lag.set(max(0.0, (clock.now() - oldest).total_seconds()))
    _integrity_gauges(registry)


def _integrity_gauges(registry: CollectorRegistry) -> None:
    from walletdesk.core.services import checkruns

    ok = Gauge("walletdesk_integrity_check_ok",
               "1 when the last run of the check passed (audit_chain: the security log's hash "
               "chain), 0 when it found a break", ["check"], registry=registry)
    at = Gauge("walletdesk_integrity_check_timestamp_seconds",
               "When the check last ran (Unix time)", ["check"], registry=registry)
    for run in checkruns.every():
        ok.labels(run.name).set(1 if run.ok else 0)
        at.labels(run.name).set(run.checked_at.timestamp())


def _counts(qs: Any, field: str) -> list[tuple[str, int]]:
    from django.db.models import Count

    return [(row[field], row["n"]) for row in qs.values(field).annotate(n=Count("pk"))]


@never_cache
def metrics(request: HttpRequest) -> HttpResponse:
    registry = CollectorRegistry()
    started = time.perf_counter()
    _business_gauges(registry)
    Gauge("walletdesk_metrics_scrape_seconds", "Time to collect these metrics",
          registry=registry).set(time.perf_counter() - started)
    return HttpResponse(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, and any exception."""

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False)
