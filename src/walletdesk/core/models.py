from __future__ import annotations

from django.db import models

from . import clock


class Job(models.Model):
    """A unit of background work, claimed with a lease.

    A worker claims a queued job by setting ``locked_by`` and ``lease_until``
    in one guarded update; a job whose lease ran out (its worker died) can be
    claimed again by another worker, so handlers must be idempotent.
    """

    class Status(models.TextChoices):
        QUEUED = "queued"
        RUNNING = "running"
        DONE = "done"
        FAILED = "failed"

    name = models.CharField(max_length=100)
    args = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    run_at = models.DateTimeField(default=clock.now)
    attempts = models.PositiveIntegerField(default=0)
    max_attempts = models.PositiveIntegerField(default=8)
    locked_by = models.CharField(max_length=64, blank=True, default="")
    lease_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True, default="")
    # Set for jobs that must exist once (periodic slots): enforced by the database.
    unique_key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(default=clock.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "run_at"], name="core_job_ready")]

    def __str__(self) -> str:
        return f"{self.name}#{self.pk} ({self.status})"


class CheckRun(models.Model):
    """The last result of a periodic integrity check, one row per check (overwritten).

    Kept in the database so that ``/readyz`` and ``/metrics`` of every process report the
    same verification, whichever worker ran it.
    """

    name = models.CharField(max_length=100, unique=True)
    ok = models.BooleanField()
    detail = models.JSONField(default=dict, blank=True)
    checked_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name}: {'ok' if self.ok else 'failed'} at {self.checked_at:%Y-%m-%d %H:%M:%S}"
