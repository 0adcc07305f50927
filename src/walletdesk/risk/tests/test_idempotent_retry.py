"""Idempotency keys and refusals: "not yet" refusals free the key, business refusals replay."""

import uuid

import pytest

from walletdesk.core import clock
from walletdesk.risk.models import RiskDecision
from walletdesk.wallet.models import IdempotencyRecord, Transaction

pytestmark = [pytest.mark.django_db, pytest.mark.security, pytest.mark.money]
RIGHT = "correct horse battery staple 9"
PATH = "/api/v1/wallet/transfers"


@pytest.fixture
def bob(make_customer):
    return make_customer("bob@example.com")


def test_same_key_works_after_the_step_up(api, customer, bob, fund):
    fund(customer, 1_000_000)
    clock.advance(minutes=6)
    key = str(uuid.uuid4())
    body = {"to": bob.email, "amount": 100_000, "currency": "CNY"}
    r = api.post(PATH, body, key=key)
    assert (r.status_code, r.json()["code"]) == (403, "step_up_required")
    assert not IdempotencyRecord.objects.filter(key=key).exists()  # the key is free again
    assert RiskDecision.objects.filter(outcome="step_up").count() == 1  # still recorded once
    assert api.post(PATH, body, key=key).json()["code"] == "step_up_required"
    assert api.post("/api/v1/auth/step-up", {"password": RIGHT}).status_code == 200
    done = api.post(PATH, body, key=key)
    assert done.status_code == 201
    assert api.post(PATH, body, key=key).json() == done.json()  # and now replayed
    assert Transaction.objects.filter(type="transfer").count() == 1


def test_business_refusal_is_still_replayed(api, customer, bob, fund):
    key = str(uuid.uuid4())
    body = {"to": bob.email, "amount": 50_000, "currency": "CNY"}
    r = api.post(PATH, body, key=key)
    assert (r.status_code, r.json()["code"]) == (422, "insufficient_funds")
    fund(customer, 100_000)
    again = api.post(PATH, body, key=key)
    assert (again.status_code, again.json()) == (422, r.json())
    assert Transaction.objects.filter(type="transfer").count() == 0


def test_account_on_hold_frees_the_key_until_unlocked(customer, bob, fund):
    from walletdesk.accounts import services
    from walletdesk.conftest import ApiClient

    fund(customer, 100_000)
    services.freeze(customer, reason="test")  # ends every token: take a new one
    client = ApiClient(services.issue_token(customer))
    key = str(uuid.uuid4())
    body = {"to": bob.email, "amount": 100, "currency": "CNY"}
    r = client.post(PATH, body, key=key)
    assert (r.status_code, r.json()["code"]) == (403, "account_on_hold")
    services.unlock_account(customer, by=customer)
    assert client.post(PATH, body, key=key).status_code == 201
