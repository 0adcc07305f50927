"""The security log's hash chain verified in production: job, command, alert, metric, /readyz."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from walletdesk.accounts import chaincheck
from walletdesk.accounts.models import SecurityEvent
from walletdesk.accounts.services import events
from walletdesk.core.services import checkruns, jobs

pytestmark = pytest.mark.security


def _metric(body: str, name: str) -> str | None:
    for line in body.splitlines():
        if line.startswith(f'{name}{{check="audit_chain"}} '):
            return line.split()[-1]
    return None


def test_readyz_says_never_before_the_first_verification(db: Any) -> None:
    ready = Client().get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["verified"]["audit_chain"] == {"at": None, "result": "never"}


def test_an_intact_chain_passes(customer: Any) -> None:
    for i in range(4):
        events.record("test", customer, n=i)
    before = SecurityEvent.objects.count()

    result = chaincheck.check()

    assert (result.ok, result.first_bad_id, result.alerted) == (True, None, False)
    assert SecurityEvent.objects.count() == before  # no alert written
    run = checkruns.last("audit_chain")
    assert run is not None and run.ok
    ready = Client().get("/readyz").json()
    assert ready["verified"]["audit_chain"]["result"] == "ok"
    assert ready["verified"]["audit_chain"]["at"] == run.checked_at.isoformat()
    body = Client().get("/metrics").content.decode()
    assert _metric(body, "walletdesk_integrity_check_ok") == "1.0"
    assert _metric(body, "walletdesk_integrity_check_timestamp_seconds") is not None


def test_a_tampered_row_raises_one_alert_a_metric_and_readyz_reports_it(customer: Any) -> None:
    for i in range(5):
        events.record("test", customer, n=i)
    assert chaincheck.check().ok
    target = SecurityEvent.objects.order_by("pk")[2]
    SecurityEvent.objects.filter(pk=target.pk).update(data={"n": 99})

    result = chaincheck.check()

    assert (result.ok, result.first_bad_id, result.alerted) == (False, target.pk, True)
    alerts = SecurityEvent.objects.filter(kind="audit_chain_broken")
    assert [a.data["first_bad_id"] for a in alerts] == [target.pk]
    assert alerts[0].user_id is None
    ready = Client().get("/readyz")
    # An alert for people, not a reason to stop serving.
    assert ready.status_code == 200
    assert ready.json()["verified"]["audit_chain"]["result"] == "broken"
    body = Client().get("/metrics").content.decode()
    assert _metric(body, "walletdesk_integrity_check_ok") == "0.0"

    # The next run finds the same break: still broken, no second alert.
    again = chaincheck.check()
    assert (again.ok, again.first_bad_id, again.alerted) == (False, target.pk, False)
    assert SecurityEvent.objects.filter(kind="audit_chain_broken").count() == 1


def test_a_deleted_row_is_a_break(customer: Any) -> None:
    for i in range(3):
        events.record("test", customer, n=i)
    rows = list(SecurityEvent.objects.order_by("pk"))
    # Deleting bypasses the model's append-only save; the next row's prev_hash no longer fits.
    SecurityEvent.objects.filter(pk=rows[1].pk).delete()
    result = chaincheck.check()
    assert (result.ok, result.first_bad_id) == (False, rows[2].pk)


def test_the_periodic_job_verifies(customer: Any) -> None:
    events.record("test", customer)
    target = SecurityEvent.objects.order_by("pk").first()
    assert target is not None
    SecurityEvent.objects.filter(pk=target.pk).update(kind="tampered")
    assert "accounts.verify_audit_chain" in jobs._periodic
    jobs._handlers["accounts.verify_audit_chain"]()
    run = checkruns.last("audit_chain")
    assert run is not None and not run.ok and run.detail["first_bad_id"] == target.pk
    assert SecurityEvent.objects.filter(kind="audit_chain_broken").count() == 1


def test_check_audit_command(customer: Any, capsys: Any) -> None:
    events.record("test", customer)
    call_command("check_audit")
    assert '"ok": true' in capsys.readouterr().out
    target = SecurityEvent.objects.order_by("pk").first()
    assert target is not None
    SecurityEvent.objects.filter(pk=target.pk).update(data={"changed": True})
    with pytest.raises(CommandError, match=f"broken at row {target.pk}"):
        call_command("check_audit")
    assert '"ok": false' in capsys.readouterr().out
