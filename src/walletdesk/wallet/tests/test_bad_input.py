"""Bad input on every money endpoint: a typed error with a stable code, and nothing changes."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from django.test import Client

from walletdesk.conftest import ApiClient
from walletdesk.core.money import MAX_AMOUNT_MINOR
from walletdesk.wallet import services
from walletdesk.wallet.models import Transaction
from walletdesk.wallet.services import cards

from .helpers import CARDS, snapshot

pytestmark = pytest.mark.money

GOOD = {
    "top-ups": {"amount": 1_000, "currency": "CNY", "method": "bank_card"},
    "withdrawals": {"amount": 1_000, "currency": "CNY", "method": "bank_card"},
    "transfers": {"to": "bob@example.com", "amount": 1_000, "currency": "CNY"},
    "payments": {"merchant": "sample-coffee", "amount": 1_000, "currency": "CNY",
                 "method": "balance"},
}

AMOUNTS = [
    (0, "invalid_amount"), (-5, "invalid_amount"), (MAX_AMOUNT_MINOR + 1, "amount_above_limit"),
    (10.5, "invalid_amount"), (1000.0, "invalid_amount"), ("1000", "invalid_amount"),
    ("ten", "invalid_amount"), (True, "invalid_amount"), (None, "invalid_amount"),
    ([1], "invalid_amount"), (10**30, "amount_above_limit"),
]


@pytest.fixture
def world(customer: Any, merchant: Any, make_customer: Any, fund: Any) -> dict[str, Any]:
    bob = make_customer("bob@example.com")
    fund(customer, 100_000)
    cards.link_card(customer, kind="bank_card", number=CARDS["quick"])
    payment = services.pay(customer, merchant=merchant, amount=3_000, currency="CNY",
                           method="balance")
    return {"bob": bob, "payment": payment, "merchant": merchant}


def refused(client: ApiClient, path: str, body: Any, status: int, code: str, *,
            key: str | None = "fresh", **kw: Any) -> None:
    before = snapshot()
    r = client.post(path, body, key=uuid.uuid4().hex if key == "fresh" else key, **kw)
    assert r.status_code == status, (path, body, r.content)
    data = r.json()
    assert data["code"] == code, (path, body, data)
    assert isinstance(data["message"], str) and data["message"]
    assert snapshot() == before, (path, body)


@pytest.mark.parametrize("endpoint", list(GOOD))
def test_bad_amounts(api: ApiClient, world: Any, endpoint: str) -> None:
    for amount, code in AMOUNTS:
        refused(api, f"/api/v1/wallet/{endpoint}", {**GOOD[endpoint], "amount": amount}, 422,
                code)


def test_bad_refund_amounts(world: Any) -> None:
    shop = ApiClient(world["merchant"].api_key)
    for amount, code in AMOUNTS:
        refused(shop, f"/api/v1/wallet/payments/{world['payment'].public_id}/refunds",
                {"amount": amount}, 422, code)


@pytest.mark.parametrize("endpoint", list(GOOD))
def test_unknown_currency(api: ApiClient, world: Any, endpoint: str) -> None:
    for currency in ["XXX", "", "cnyy", 5, None]:
        refused(api, f"/api/v1/wallet/{endpoint}", {**GOOD[endpoint], "currency": currency},
                422, "unknown_currency")


@pytest.mark.parametrize("endpoint,method", [
    ("top-ups", "balance"), ("top-ups", "bitcoin"), ("withdrawals", "credit_card"),
    ("withdrawals", ""), ("payments", "cash"), ("payments", 3)])
def test_unknown_method(api: ApiClient, world: Any, endpoint: str, method: Any) -> None:
    refused(api, f"/api/v1/wallet/{endpoint}", {**GOOD[endpoint], "method": method}, 422,
            "unknown_method")


def test_method_not_linked(api: ApiClient, world: Any) -> None:
    refused(api, "/api/v1/wallet/top-ups", {**GOOD["top-ups"], "method": "credit_card"}, 422,
            "method_not_linked")


def test_transfer_recipients(api: ApiClient, world: Any) -> None:
    path = "/api/v1/wallet/transfers"
    refused(api, path, {**GOOD["transfers"], "to": "alice@example.com"}, 422, "transfer_to_self")
    refused(api, path, {**GOOD["transfers"], "to": "ALICE@EXAMPLE.COM"}, 422, "transfer_to_self")
    refused(api, path, {**GOOD["transfers"], "to": "nobody@example.com"}, 422,
            "unknown_recipient")
    refused(api, path, {**GOOD["transfers"], "to": "+8613800000000"}, 422, "unknown_recipient")
    refused(api, path, {**GOOD["transfers"], "to": ""}, 422, "unknown_recipient")
    refused(api, path, {**GOOD["transfers"], "amount": 97_001}, 422, "insufficient_funds")


def test_unknown_merchant(api: ApiClient, world: Any) -> None:
    refused(api, "/api/v1/wallet/payments", {**GOOD["payments"], "merchant": "no-such-shop"},
            422, "unknown_merchant")


def test_refund_refusals(api: ApiClient, world: Any) -> None:
    shop = ApiClient(world["merchant"].api_key)
    payment = world["payment"]
    url = f"/api/v1/wallet/payments/{payment.public_id}/refunds"
    refused(shop, url, {"amount": 3_001}, 422, "refund_exceeds_payment")
    refused(shop, "/api/v1/wallet/payments/tx_nope/refunds", {"amount": 1}, 404,
            "transaction_not_found")
    topup = Transaction.objects.filter(type="topup").first()
    refused(shop, f"/api/v1/wallet/payments/{topup.public_id}/refunds", {"amount": 1}, 404,
            "transaction_not_found")


@pytest.mark.parametrize("endpoint", [*GOOD, "refund"])
def test_idempotency_key_missing_or_malformed(api: ApiClient, world: Any, endpoint: str) -> None:
    if endpoint == "refund":
        client = ApiClient(world["merchant"].api_key)
        path = f"/api/v1/wallet/payments/{world['payment'].public_id}/refunds"
        body: dict[str, Any] = {"amount": 10}
    else:
        client, path, body = api, f"/api/v1/wallet/{endpoint}", GOOD[endpoint]
    for key, code in [(None, "idempotency_key_missing"), ("", "idempotency_key_missing"),
                      ("x" * 256, "idempotency_key_invalid"),
                      ("has space", "idempotency_key_invalid"),
                      ("tab\there", "idempotency_key_invalid"),
                      ("del\x7f", "idempotency_key_invalid")]:
        refused(client, path, body, 400, code, key=key)


@pytest.mark.parametrize("endpoint", list(GOOD))
def test_wrong_content_type_and_malformed_json(api: ApiClient, world: Any, endpoint: str) -> None:
    path = f"/api/v1/wallet/{endpoint}"
    for raw, content_type, status, code in [
            ("{not json", "application/json", 400, "invalid_json"),
            ('{"amount": 1', "application/json", 400, "invalid_json"),
            ("", "application/json", 422, "invalid_input"),
            ("[1, 2]", "application/json", 422, "invalid_input"),
            ('"text"', "application/json", 422, "invalid_input"),
            (json.dumps(GOOD[endpoint]), "text/plain", 415, "unsupported_media_type"),
            ("amount=1000&currency=CNY", "application/x-www-form-urlencoded", 400,
             "invalid_json")]:
        before = snapshot()
        r = api.post(path, raw=raw, content_type=content_type, key=uuid.uuid4().hex)
        body = r.json()
        assert (r.status_code, body["code"]) == (status, code), (raw, content_type, body)
        assert body["message"]
        assert snapshot() == before


@pytest.mark.parametrize("endpoint", list(GOOD))
def test_missing_fields(api: ApiClient, world: Any, endpoint: str) -> None:
    for field in GOOD[endpoint]:
        body = {k: v for k, v in GOOD[endpoint].items() if k != field}
        before = snapshot()
        r = api.post(f"/api/v1/wallet/{endpoint}", body, key=uuid.uuid4().hex)
        assert r.status_code == 422, (field, r.content)
        assert r.json()["code"] == "invalid_input", r.json()
        assert {"field": field, "type": "missing"} in r.json()["errors"]
        assert snapshot() == before


def test_not_logged_in(anon_api: ApiClient, world: Any) -> None:
    for endpoint, body in GOOD.items():
        refused(anon_api, f"/api/v1/wallet/{endpoint}", body, 401, "not_authenticated")
    refused(ApiClient("wd_not-a-token"), "/api/v1/wallet/transfers", GOOD["transfers"], 401,
            "not_authenticated")


@pytest.mark.parametrize("operation,path", [("topup", "/wallet/top-up/"),
                                            ("transfer", "/wallet/transfer/"),
                                            ("payment", "/wallet/pay/"),
                                            ("withdrawal", "/wallet/withdraw/")])
def test_page_forms_refuse_bad_amounts(world: Any, customer: Any, operation: str,
                                       path: str) -> None:
    client = Client(headers={"accept-language": "en"})
    client.force_login(customer)
    for amount in ["1.234", "0", "-1", "abc", "0.001", "NaN", "Infinity", "-Infinity",
                   "99999999999", "", "1,,0.5.5"]:
        data = {"amount": amount, "currency": "CNY", "idem": uuid.uuid4().hex,
                "method": "balance" if operation == "payment" else "bank_card",
                "to": "bob@example.com", "merchant": "sample-coffee"}
        before = snapshot()
        r = client.post(path, data)
        assert r.status_code == 200, amount  # the form again, with its error
        assert snapshot() == before, amount
        if amount in ("1.234", "0.001"):
            assert "Too many decimal places" in r.content.decode()
