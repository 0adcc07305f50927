"""The only place in core that takes row locks."""

from __future__ import annotations

from datetime import datetime

from .models import Job


def due_jobs(now: datetime, limit: int) -> list[Job]:
    """Up to ``limit`` jobs due at ``now`` (queued, or running past their lease), oldest
    first, locked until the surrounding transaction ends; rows another worker holds are
    skipped (SKIP LOCKED on PostgreSQL; SQLite's IMMEDIATE transaction serializes writers).
    Call inside transaction.atomic()."""
    return list(
        Job.objects.select_for_update(skip_locked=True)
        .filter(status__in=[Job.Status.QUEUED, Job.Status.RUNNING], run_at__lte=now)
        .exclude(status=Job.Status.RUNNING, lease_until__gte=now)
        .order_by("run_at", "pk")[:limit]
    )
