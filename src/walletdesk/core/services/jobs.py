"""One background-job mechanism for the embedded and the production setup.

* ``enqueue(name, **args)`` stores a job when the surrounding transaction
  commits (never from inside one that may roll back).
* ``run_pending()`` claims due jobs with a lease and runs them; the embedded
  server calls it from a thread, production runs ``walletdesk worker``.
* ``@periodic(seconds)`` handlers get one job per time slot; the slot key is
  unique in the database, so several workers never run the same slot twice.
* ``@task(name, retry_on=(SomeOutage,))``: exceptions that mean "not now" (a mail server
  or a card network that is down). The job is retried as after any failure, but the log
  gets one warning line instead of a traceback, and an error only when the tries run out.

Handlers must be idempotent: a job whose worker died is claimed again after
its lease runs out.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import traceback
import uuid
from collections.abc import Callable, Iterable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, close_old_connections, transaction

from .. import clock, locks
from ..models import Job

log = logging.getLogger(__name__)

Handler = Callable[..., Any]
_handlers: dict[str, Handler] = {}
_periodic: dict[str, float] = {}
_retry_on: dict[str, tuple[type[Exception], ...]] = {}
# How long a claimed job belongs to its worker; after that another worker may
# take it over. Tests shorten it to watch a dead worker's job being finished.
LEASE_SECONDS = float(settings.JOB_LEASE_SECONDS)


def task(name: str, *, retry_on: tuple[type[Exception], ...] = ()) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        _handlers[name] = fn
        _retry_on[name] = retry_on
        return fn

    return register


def periodic(name: str, seconds: float) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        _handlers[name] = fn
        _periodic[name] = seconds
        return fn

    return register


def enqueue(name: str, *, delay: float = 0, unique_key: str | None = None, **args: Any) -> None:
    """Queue a job once the current transaction commits (at once outside one)."""
    if name not in _handlers:
        raise KeyError(f"unknown job {name!r}")

    def create() -> None:
        _create(name, args, delay, unique_key)

    transaction.on_commit(create)


def _create(name: str, args: dict[str, Any], delay: float, unique_key: str | None) -> Job | None:
    try:
        with transaction.atomic():
            return Job.objects.create(
                name=name,
                args=args,
                run_at=clock.now() + timedelta(seconds=delay),
                unique_key=unique_key,
            )
    except IntegrityError:
        return None  # a job with this unique key exists already


# The slot of each periodic handler that this process has seen in the queue. Workers poll about
# once a second and the shortest slot is five seconds, so most polls have nothing to add and
# touch no table; before this, every poll tried an INSERT per handler that the unique key
# refused, and PostgreSQL logged each refusal as an ERROR (some 30 lines a second).
_scheduled: dict[str, int] = {}


def forget_scheduled() -> None:
    """Forget which slots this process has queued (tests: a rolled-back test loses its rows)."""
    _scheduled.clear()


def _queued_already(keys: Iterable[str]) -> set[str]:
    found = Job.objects.filter(unique_key__in=keys).values_list("unique_key", flat=True)
    return {key for key in found if key is not None}


def schedule_periodic() -> int:
    """Queue this slot's job for every periodic handler whose slot this process has not queued
    yet: one read of the slots already there (another process may have queued them), then one
    ``INSERT`` that skips any slot queued in between (``ON CONFLICT DO NOTHING``; ``INSERT OR
    IGNORE`` on SQLite), so no refused insert reaches the database's log. Returns how many
    slots this call found missing and queued."""
    now = clock.now()
    due = {name: int(now.timestamp() // every) for name, every in _periodic.items()}
    keys = {f"periodic:{name}:{slot}": name for name, slot in due.items()
            if _scheduled.get(name) != slot}
    if not keys:
        return 0
    there = _queued_already(keys)
    missing = [Job(name=name, args={}, run_at=now, unique_key=key)
               for key, name in keys.items() if key not in there]
    if missing:
        Job.objects.bulk_create(missing, ignore_conflicts=True)
    for name in keys.values():
        _scheduled[name] = due[name]
    return len(missing)


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}:{uuid.uuid4().hex[:6]}"


def claim(worker: str, limit: int = 10) -> list[Job]:
    now = clock.now()
    lease = now + timedelta(seconds=LEASE_SECONDS)
    claimed: list[Job] = []
    with transaction.atomic():
        for job in locks.due_jobs(now, limit):
            # The guard repeats the filter: on SQLite there is no row lock, the
            # IMMEDIATE transaction serializes writers instead.
            updated = (
                Job.objects.filter(pk=job.pk, status=job.status, locked_by=job.locked_by)
                .update(status=Job.Status.RUNNING, locked_by=worker, lease_until=lease,
                        attempts=job.attempts + 1)
            )
            if updated:
                job.status, job.locked_by, job.lease_until = Job.Status.RUNNING, worker, lease
                job.attempts += 1
                claimed.append(job)
    return claimed


def _finish(job: Job, worker: str, error: str | None) -> None:
    mine = Job.objects.filter(pk=job.pk, locked_by=worker, status=Job.Status.RUNNING)
    if error is None:
        mine.update(status=Job.Status.DONE, finished_at=clock.now(), lease_until=None)
        return
    if job.attempts >= job.max_attempts:
        mine.update(status=Job.Status.FAILED, last_error=error[-4000:], finished_at=clock.now())
        return
    backoff = min(2 ** job.attempts, 300)
    mine.update(status=Job.Status.QUEUED, last_error=error[-4000:], locked_by="",
                lease_until=None, run_at=clock.now() + timedelta(seconds=backoff))


def run_job(job: Job, worker: str) -> None:
    handler = _handlers.get(job.name)
    error: str | None = None
    if handler is None:
        error = f"no handler for {job.name!r}"
    else:
        try:
            handler(**job.args)
        except _retry_on.get(job.name, ()) as exc:
            error = f"{type(exc).__name__}: {exc}"
            if job.attempts >= job.max_attempts:
                log.error("job %s gave up after %d tries: %s", job, job.attempts, error)
            else:
                log.warning("job %s will be tried again: %s", job, error)
        except Exception:
            error = traceback.format_exc()
            log.exception("job %s failed", job)
    _finish(job, worker, error)


def run_pending(worker: str | None = None, limit: int = 50) -> int:
    """Run every job that is due now; returns how many ran."""
    worker = worker or worker_id()
    schedule_periodic()
    ran = 0
    while ran < limit:
        batch = claim(worker, min(10, limit - ran))
        if not batch:
            break
        for job in batch:
            run_job(job, worker)
            ran += 1
    return ran


def run_forever(stop: threading.Event, poll: float) -> None:
    worker = worker_id()
    log.info("worker %s started", worker)
    while not stop.is_set():
        close_old_connections()
        try:
            ran = run_pending(worker)
        except Exception:
            log.exception("worker loop error")
            ran = 0
        if not ran:
            stop.wait(poll)
    close_old_connections()


def start_thread(poll: float) -> threading.Event:
    stop = threading.Event()
    thread = threading.Thread(target=run_forever, args=(stop, poll), name="walletdesk-worker",
                              daemon=True)
    thread.start()
    return stop


@periodic("core.purge_finished_jobs", seconds=3600)
def purge_finished_jobs() -> None:
    cutoff = clock.now() - timedelta(days=7)
    Job.objects.filter(status=Job.Status.DONE, finished_at__lt=cutoff).delete()
    # Periodic slots must outlive their slot (every interval is under a day),
    # or the slot's unique key could be taken a second time.
    Job.objects.filter(unique_key__startswith="periodic:", status=Job.Status.DONE,
                       finished_at__lt=clock.now() - timedelta(days=1)).delete()
