"""Idempotency keys: replay, reuse with another body, in progress, expiry."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from walletdesk.accounts.services import issue_token
from walletdesk.conftest import ApiClient
from walletdesk.core import clock
from walletdesk.wallet import tasks
from walletdesk.wallet.models import IdempotencyRecord, Transaction
from walletdesk.wallet.services import idempotency

from .helpers import balance_of, snapshot

pytestmark = pytest.mark.money

PATH = "/api/v1/wallet/transfers"


@pytest.fixture
def bob(make_customer: Any, customer: Any, fund: Any) -> Any:
    fund(customer, 10_000)
    return make_customer("bob@example.com")


def body(amount: int = 1_000) -> dict[str, Any]:
    return {"to": "bob@example.com", "amount": amount, "currency": "CNY"}


def test_replay_returns_the_same_response_also_after_a_restart(api: ApiClient, customer: Any,
                                                                bob: Any) -> None:
    first = api.post(PATH, body(), key="pay-once-1")
    assert first.status_code == 201
    before = snapshot()
    # A "restart": a new client, a new token, nothing kept in memory; the record is in the DB.
    again = ApiClient(issue_token(customer)).post(PATH, body(), key="pay-once-1")
    assert (again.status_code, again.json()) == (201, first.json())
    assert snapshot() == before
    assert Transaction.objects.filter(type="transfer").count() == 1
    assert balance_of(customer) == 9_000
    # The same key with the same JSON in another key order is the same request.
    reordered = api.post(PATH, raw=json.dumps(dict(reversed(list(body().items())))),
                         key="pay-once-1")
    assert reordered.json() == first.json()


def test_same_key_other_body_is_refused(api: ApiClient, customer: Any, bob: Any) -> None:
    api.post(PATH, body(), key="k-1")
    before = snapshot()
    r = api.post(PATH, body(2_000), key="k-1")
    assert (r.status_code, r.json()["code"]) == (422, "idempotency_key_reused")
    # Another endpoint with the same key is another request too.
    r = api.post("/api/v1/wallet/payments", {"merchant": "x", "amount": 1, "currency": "CNY",
                                             "method": "balance"}, key="k-1")
    assert (r.status_code, r.json()["code"]) == (422, "idempotency_key_reused")
    assert snapshot() == before


def test_keys_belong_to_their_owner(api: ApiClient, customer: Any, bob: Any,
                                    fund: Any) -> None:
    api.post(PATH, body(), key="shared-name")
    fund(bob, 5_000)
    r = ApiClient(issue_token(bob)).post(PATH, {**body(), "to": customer.email},
                                         key="shared-name")
    assert r.status_code == 201  # another user's key space
    assert Transaction.objects.filter(type="transfer").count() == 2


def test_refused_call_is_replayed_not_retried(api: ApiClient, customer: Any, bob: Any,
                                              fund: Any) -> None:
    r = api.post(PATH, body(50_000), key="too-much")
    assert (r.status_code, r.json()["code"]) == (422, "insufficient_funds")
    fund(customer, 100_000)
    again = api.post(PATH, body(50_000), key="too-much")
    assert (again.status_code, again.json()) == (422, r.json())  # the first answer, stored
    assert Transaction.objects.filter(type="transfer").count() == 0


def _running(customer: Any, key: str, raw: bytes, lease_seconds: float) -> IdempotencyRecord:
    return IdempotencyRecord.objects.create(
        scope=f"user:{customer.pk}", key=key,
        request_hash=idempotency.request_hash("POST", PATH, raw),
        owner_token="someone-else", locked_until=clock.now() + timedelta(seconds=lease_seconds))


def test_409_while_the_first_call_runs_then_takeover_after_its_lease(api: ApiClient,
                                                                     customer: Any,
                                                                     bob: Any) -> None:
    raw = json.dumps(body()).encode()
    _running(customer, "busy", raw, lease_seconds=60)
    before = snapshot()
    r = api.post(PATH, raw=raw.decode(), key="busy")
    assert (r.status_code, r.json()["code"]) == (409, "idempotency_request_in_progress")
    assert snapshot() == before
    # The first call's process died: once its lease ran out, the key is taken over.
    clock.advance(seconds=61)
    r = api.post(PATH, raw=raw.decode(), key="busy")
    assert r.status_code == 201
    assert IdempotencyRecord.objects.get(key="busy").state == "done"
    assert api.post(PATH, raw=raw.decode(), key="busy").json() == r.json()


def test_unexpected_failure_frees_the_key(api: ApiClient, customer: Any, bob: Any,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from walletdesk.wallet import services

    def boom(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "transfer", boom)
    r = api.post(PATH, body(), key="retry-me")
    assert (r.status_code, r.json()["code"]) == (500, "internal_error")
    assert "database went away" not in r.content.decode()
    assert not IdempotencyRecord.objects.filter(key="retry-me").exists()
    monkeypatch.undo()
    assert api.post(PATH, body(), key="retry-me").status_code == 201


def test_keys_are_kept_48h_then_purged(api: ApiClient, customer: Any, bob: Any) -> None:
    api.post(PATH, body(), key="old")
    clock.advance(hours=24)
    api.post(PATH, body(500), key="newer")
    tasks.purge_idempotency()
    assert IdempotencyRecord.objects.filter(key__in=["old", "newer"]).count() == 2  # >= 24 h
    clock.advance(hours=25)
    tasks.purge_idempotency()
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["newer"]
    # After the purge the old key is free again (a new request, a new transfer).
    assert api.post(PATH, body(), key="old").status_code == 201
    assert Transaction.objects.filter(type="transfer").count() == 3
