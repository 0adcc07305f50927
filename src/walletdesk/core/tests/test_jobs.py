"""The background-job mechanism: after-commit enqueue, leases, periodic slots, retries."""

from __future__ import annotations

from typing import Any
from unittest.mock import patch

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from walletdesk.core import clock
from walletdesk.core.models import Job
from walletdesk.core.services import jobs

calls: list[Any] = []


@jobs.task("test.record")
def record(value: int) -> None:
    calls.append(value)


@jobs.task("test.explode")
def explode() -> None:
    raise RuntimeError("boom")


class Outage(Exception):
    pass


@jobs.task("test.outage", retry_on=(Outage,))
def outage() -> None:
    raise Outage("the mail server refused the connection")


@pytest.fixture(autouse=True)
def _clear() -> None:
    calls.clear()


@pytest.fixture
def enqueue(db: Any, django_capture_on_commit_callbacks: Any) -> Any:
    """Enqueue as a committed transaction would (tests run inside one that never commits)."""

    def run(name: str, **kwargs: Any) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            jobs.enqueue(name, **kwargs)

    return run


def test_enqueue_waits_for_commit_and_rollback_drops_it(
        db: Any, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            jobs.enqueue("test.record", value=1)
            assert not Job.objects.filter(name="test.record").exists()
        try:
            with transaction.atomic():
                jobs.enqueue("test.record", value=2)
                raise ValueError
        except ValueError:
            pass
    assert len(callbacks) == 1
    assert list(Job.objects.filter(name="test.record").values_list("args", flat=True)) == [
        {"value": 1}]


def test_unknown_job_is_refused(db: Any) -> None:
    with pytest.raises(KeyError):
        jobs.enqueue("test.nope")


def test_run_pending_runs_due_jobs_once(enqueue: Any) -> None:
    enqueue("test.record", value=7)
    enqueue("test.record", delay=60, value=8)
    jobs.run_pending()
    assert calls == [7]
    jobs.run_pending()
    assert calls == [7]
    clock.advance(61)
    jobs.run_pending()
    assert calls == [7, 8]
    assert set(Job.objects.filter(name="test.record").values_list("status", flat=True)) == {"done"}


def test_a_claimed_job_is_not_claimed_twice_until_its_lease_runs_out(enqueue: Any) -> None:
    enqueue("test.record", value=1)
    first = jobs.claim("worker-a")
    assert [j.name for j in first if j.name == "test.record"] == ["test.record"]
    assert not [j for j in jobs.claim("worker-b") if j.name == "test.record"]
    # worker-a dies; after the lease another worker takes the job over
    clock.advance(jobs.LEASE_SECONDS + 1)
    taken = [j for j in jobs.claim("worker-b") if j.name == "test.record"]
    assert len(taken) == 1 and taken[0].attempts == 2
    jobs.run_job(taken[0], "worker-b")
    assert calls == [1]
    # the dead worker's late finish cannot overwrite the result
    jobs._finish(first[0], "worker-a", "late error")
    assert Job.objects.get(pk=taken[0].pk).status == "done"


def test_failures_back_off_then_fail(enqueue: Any) -> None:
    enqueue("test.explode")
    job = Job.objects.get(name="test.explode")
    Job.objects.filter(pk=job.pk).update(max_attempts=2)
    jobs.run_pending()
    job.refresh_from_db()
    assert job.status == "queued" and "boom" in job.last_error and job.run_at > clock.now()
    clock.advance(10)
    jobs.run_pending()
    job.refresh_from_db()
    assert job.status == "failed" and job.attempts == 2


def test_periodic_slots_are_unique(db: Any) -> None:
    first = jobs.schedule_periodic()
    assert first >= 1
    with CaptureQueriesContext(connection) as polls:
        assert jobs.schedule_periodic() == 0  # same slot: nothing new
    assert not polls.captured_queries  # and this process knows it without asking
    jobs.forget_scheduled()  # as another process would: it finds them all there
    assert jobs.schedule_periodic() == 0
    keys = list(Job.objects.filter(unique_key__startswith="periodic:").values_list(
        "unique_key", flat=True))
    assert len(keys) == len(set(keys)) == first


def test_a_slot_queued_by_another_process_in_between_is_skipped_quietly(db: Any) -> None:
    """The race the unique key settles: a slot queued after this process looked. The INSERT
    skips it without an error (so nothing reaches the database's log) and queues the rest."""
    name = "core.purge_finished_jobs"
    slot = int(clock.now().timestamp() // jobs._periodic[name])
    raced = Job.objects.create(name=name, args={}, run_at=clock.now(),
                               unique_key=f"periodic:{name}:{slot}")
    with patch.object(jobs, "_queued_already", return_value=set()):  # looked just before
        jobs.schedule_periodic()
    keys = list(Job.objects.filter(unique_key__startswith="periodic:").values_list(
        "unique_key", flat=True))
    assert len(keys) == len(set(keys)) == len(jobs._periodic)
    assert Job.objects.get(unique_key=raced.unique_key).pk == raced.pk


def test_an_expected_outage_is_retried_with_one_line_not_a_traceback(
        enqueue: Any, caplog: pytest.LogCaptureFixture) -> None:
    """A mail server or card network that is down is not a bug: the job is retried as usual,
    the log says so in one warning line, and only running out of tries is an error."""
    enqueue("test.outage")
    job = Job.objects.get(name="test.outage")
    Job.objects.filter(pk=job.pk).update(max_attempts=2)
    with caplog.at_level("WARNING", logger="walletdesk.core.services.jobs"):
        jobs.run_pending()
    job.refresh_from_db()
    assert job.status == "queued" and job.run_at > clock.now()
    assert job.last_error == "Outage: the mail server refused the connection"
    [first] = caplog.records
    assert first.levelname == "WARNING" and first.exc_info is None
    assert "will be tried again" in first.getMessage()
    caplog.clear()
    clock.advance(10)
    with caplog.at_level("WARNING", logger="walletdesk.core.services.jobs"):
        jobs.run_pending()
    job.refresh_from_db()
    assert job.status == "failed" and job.attempts == 2
    [last] = caplog.records
    assert last.levelname == "ERROR" and last.exc_info is None and "gave up after 2" in last.getMessage()


def test_any_other_exception_keeps_its_traceback(enqueue: Any,
                                                 caplog: pytest.LogCaptureFixture) -> None:
    enqueue("test.explode")
    with caplog.at_level("WARNING", logger="walletdesk.core.services.jobs"):
        jobs.run_pending()
    job = Job.objects.get(name="test.explode")
    assert job.last_error.startswith("Traceback") and "RuntimeError: boom" in job.last_error
    assert [r.levelname for r in caplog.records] == ["ERROR"] and caplog.records[0].exc_info
