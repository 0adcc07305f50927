"""Fixtures shared by the accounts, risk and notify tests (imported by their conftest)."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.core import mail
from django.db import transaction
from django.test import Client

from walletdesk.core.services import jobs

STRONG = "violet otter juggles 42 lanterns"


@pytest.fixture(autouse=True)
def _commit_now(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests run inside one transaction that never commits: queue jobs at once instead
    (the job row is still written inside the surrounding transaction, so a rollback
    removes it just as a real rollback would skip the on-commit hook)."""
    monkeypatch.setattr(transaction, "on_commit", lambda fn, using=None, robust=False: fn())


def run_jobs() -> None:
    while jobs.run_pending():
        pass


def messages_to(address: str | None) -> list[dict[str, str]]:
    """Every email (locmem) and SMS (development provider) sent to an address, newest first."""
    from walletdesk.notify.models import OutboxMessage

    assert address, "no address to look for"
    run_jobs()
    found = [{"channel": "email", "subject": str(m.subject), "body": str(m.body)}
             for m in mail.outbox if address in m.to]
    found.reverse()
    found += [{"channel": "sms", "subject": "", "body": m.body} for m in
              OutboxMessage.objects.filter(to=address, channel="sms").order_by("-pk")]
    return found


def last_code(address: str | None) -> str:
    for msg in messages_to(address):
        m = re.search(r"\b(\d{6,8})\b", msg["body"])
        if m:
            return m.group(1)
    raise AssertionError(f"no code sent to {address}")


def post(client: Client, path: str, body: Any, **headers: str) -> Any:
    return client.post(path, json.dumps(body), content_type="application/json", headers=headers)


@pytest.fixture
def client_api() -> Client:
    return Client()
