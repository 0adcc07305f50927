"""Another customer's transaction answers exactly like a missing one; the API needs a login
for everything but the visitor's lock question; bad input changes nothing."""

from __future__ import annotations

import pytest
from django.test import Client

from walletdesk.accounts.services import issue_token
from walletdesk.conftest import ApiClient
from walletdesk.support.models import Conversation
from walletdesk.wallet import services as wallet

pytestmark = [pytest.mark.django_db, pytest.mark.security]


@pytest.fixture
def others_payment(make_customer, fund, merchant):
    mallory = make_customer("other@example.com")
    fund(mallory, 10_000)
    return wallet.pay(mallory, merchant=merchant, amount=1_000, currency="CNY", method="balance")


@pytest.mark.parametrize("problem", ["payment", "refund", "fee"])
def test_another_customers_transaction_is_refused_like_a_missing_one(api, others_payment,
                                                                     problem):
    theirs = api.get(f"/api/v1/troubleshoot/{problem}", transaction_id=others_payment.public_id)
    missing = api.get(f"/api/v1/troubleshoot/{problem}", transaction_id="tx_00000000000000000000")
    assert theirs.status_code == missing.status_code == 404
    assert theirs.json() == missing.json()
    assert theirs.json()["code"] == "transaction_not_found"
    assert others_payment.public_id not in theirs.content.decode()


@pytest.mark.parametrize("problem", ["payment", "refund", "fee", "lock"])
def test_talking_about_another_customers_transaction_opens_nothing(api, others_payment, problem):
    r = api.post(f"/api/v1/troubleshoot/{problem}/talk",
                 {"transaction_id": others_payment.public_id, "message": "hi"})
    if problem == "lock":  # the lock troubleshooter takes no transaction: it is ignored
        assert r.status_code == 201
        assert r.json()["transaction_id"] is None
    else:
        assert r.status_code == 404
        assert Conversation.objects.count() == 0


def test_pages_refuse_another_customers_transaction_without_showing_it(customer, others_payment):
    client = Client()
    client.force_login(customer)
    missing = "tx_00000000000000000000"

    def main(r, typed):
        text = r.content.decode().replace(typed, "TYPED")
        return text[text.index("<main"):text.index("</main>")]

    for problem in ("payment", "refund", "fee"):
        theirs = client.get(f"/troubleshoot/{problem}/", {"transaction": others_payment.public_id})
        absent = client.get(f"/troubleshoot/{problem}/", {"transaction": missing})
        assert theirs.status_code == absent.status_code == 404
        assert main(theirs, others_payment.public_id) == main(absent, missing)
        assert "示例咖啡" not in theirs.content.decode()


@pytest.mark.parametrize("path", ["/api/v1/troubleshoot/lock", "/api/v1/troubleshoot/payment",
                                  "/api/v1/troubleshoot/fee?transaction_id=tx_1"])
def test_api_needs_a_login(anon_api, path):
    r = anon_api.get(path)
    assert r.status_code == 401


def test_unknown_problem_and_missing_transaction(api):
    assert api.get("/api/v1/troubleshoot/weather").json()["code"] == "unknown_troubleshooter"
    r = api.get("/api/v1/troubleshoot/payment")
    assert r.status_code == 422 and r.json()["code"] == "transaction_required"
    r = api.post("/api/v1/troubleshoot/weather/talk", {"message": "x"})
    assert r.status_code == 404
    assert Conversation.objects.count() == 0


def test_another_customer_cannot_see_my_diagnosis_through_their_token(customer, make_customer,
                                                                     fund, merchant):
    fund(customer, 10_000)
    mine = wallet.pay(customer, merchant=merchant, amount=1_000, currency="CNY",
                      method="balance")
    other = ApiClient(issue_token(make_customer("eve@example.com")))
    assert other.get("/api/v1/troubleshoot/refund", transaction_id=mine.public_id
                     ).status_code == 404
