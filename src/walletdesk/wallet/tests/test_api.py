"""The wallet API through its public endpoints: every operation and its contract."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest

from walletdesk.conftest import ApiClient
from walletdesk.core import clock
from walletdesk.core.services import jobs
from walletdesk.wallet.models import FeePolicy, Merchant, PaymentRequest, Promotion, Transaction
from walletdesk.wallet.services import cards

from .helpers import CARDS, assert_ledger_ok, balance_of, card_ending, merchant_balance, snapshot

pytestmark = pytest.mark.money

CONTRACT = {"id", "type", "status", "amount", "fee", "currency", "created_at"}


def key() -> str:
    return uuid.uuid4().hex


def settle(net: Any, seconds: float = 30) -> None:
    """Let the network answer: run the submit job, move time, run the decision."""
    with net():
        jobs.run_pending()
    clock.advance(seconds=seconds)
    with net():
        jobs.run_pending()


@pytest.fixture
def shop_api(merchant: Any) -> ApiClient:
    return ApiClient(merchant.api_key)


@pytest.fixture
def card(customer: Any) -> Any:
    cards.link_card(customer, kind="bank_card", number=CARDS["quick"])
    return cards.link_card(customer, kind="credit_card", number=card_ending("0119"))


@pytest.fixture
def net(django_capture_on_commit_callbacks: Any) -> Any:
    """``with net(): ...`` stores the jobs queued on commit (the test's transaction never
    commits); the network always answers (the suite's default)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def test_balances(api: ApiClient, customer: Any, fund: Any) -> None:
    fund(customer, 12_345)
    r = api.get("/api/v1/wallet")
    assert r.status_code == 200
    by = {b["currency"]: b for b in r.json()}
    assert set(by) >= {"CNY", "HKD", "USD"}
    assert by["CNY"]["available"] == 12_345 and by["CNY"]["pending"] == 0
    # Written without ninja's output validation (issue #16): still exactly BalanceOut.
    from walletdesk.wallet.api import BalanceOut

    assert r["Content-Type"] == "application/json; charset=utf-8"
    for item in r.json():
        assert list(item) == list(BalanceOut.model_fields)
        assert BalanceOut.model_validate(item).model_dump() == item


def test_top_up_is_pending_then_completes(api: ApiClient, customer: Any, card: Any,
                                          net: Any) -> None:
    with net():
        r = api.post("/api/v1/wallet/top-ups", {"amount": 5_000, "currency": "CNY",
                                                "method": "bank_card"}, key=key())
    assert r.status_code == 201, r.json()
    body = r.json()
    assert set(body) >= CONTRACT
    assert (body["type"], body["status"], body["amount"], body["fee"], body["currency"]) == (
        "topup", "pending", 5_000, 0, "CNY")
    assert api.get("/api/v1/wallet").json()[0]["pending"] == 5_000
    settle(net)
    detail = api.get(f"/api/v1/wallet/transactions/{body['id']}").json()
    assert detail["status"] == "completed"
    assert [e["to_status"] for e in detail["events"]] == ["pending", "pending", "completed"]
    assert [e["reason"] for e in detail["events"]] == ["created", "sent_to_network",
                                                       "network_confirmed"]
    assert balance_of(customer) == 5_000
    assert_ledger_ok()


def test_transfer_contract_and_both_sides(api: ApiClient, customer: Any, make_customer: Any,
                                          fund: Any) -> None:
    bob = make_customer("bob@example.com", display_name="Bob")
    fund(customer, 10_000)
    r = api.post("/api/v1/wallet/transfers", {"to": "bob@example.com", "amount": 2_500,
                                              "currency": "CNY", "note": "午饭"}, key=key())
    assert r.status_code == 201, r.json()
    body = r.json()
    assert set(body) >= CONTRACT
    assert (body["type"], body["status"], body["direction"], body["note"]) == (
        "transfer", "completed", "out", "午饭")
    assert balance_of(customer) == 7_500 and balance_of(bob) == 2_500
    from walletdesk.accounts.services import issue_token

    bob_view = ApiClient(issue_token(bob)).get(f"/api/v1/wallet/transactions/{body['id']}")
    assert bob_view.status_code == 200 and bob_view.json()["direction"] == "in"


def test_pay_from_balance_and_by_card(api: ApiClient, customer: Any, merchant: Any, card: Any,
                                      fund: Any, net: Any) -> None:
    fund(customer, 10_000)
    r = api.post("/api/v1/wallet/payments", {"merchant": merchant.slug, "amount": 1_000,
                                             "currency": "CNY", "method": "balance"}, key=key())
    assert r.status_code == 201 and r.json()["status"] == "completed"
    with net():
        r = api.post("/api/v1/wallet/payments", {"merchant": merchant.slug, "amount": 700,
                                                 "currency": "CNY", "method": "credit_card"},
                     key=key())
    assert r.status_code == 201 and r.json()["status"] == "pending"
    assert merchant_balance(merchant) == 1_000
    settle(net)
    assert Transaction.objects.get(public_id=r.json()["id"]).status == "completed"
    assert merchant_balance(merchant) == 1_700 and balance_of(customer) == 9_000
    assert_ledger_ok()


def test_withdrawal_holds_then_pays_out(api: ApiClient, customer: Any, card: Any, fund: Any,
                                        net: Any) -> None:
    fund(customer, 10_000)
    with net():
        r = api.post("/api/v1/wallet/withdrawals", {"amount": 4_000, "currency": "CNY",
                                                    "method": "bank_card"}, key=key())
    assert r.status_code == 201 and r.json()["status"] == "pending"
    cny = api.get("/api/v1/wallet").json()[0]
    assert (cny["available"], cny["held"]) == (6_000, 4_000)
    settle(net)
    assert balance_of(customer) == 6_000
    assert_ledger_ok()


def test_refunds_full_partial_several(api: ApiClient, shop_api: ApiClient, customer: Any,
                                      merchant: Any, fund: Any) -> None:
    fund(customer, 10_000)
    pay = api.post("/api/v1/wallet/payments", {"merchant": merchant.slug, "amount": 3_000,
                                               "currency": "CNY", "method": "balance"},
                   key=key()).json()
    url = f"/api/v1/wallet/payments/{pay['id']}/refunds"
    first = shop_api.post(url, {"amount": 1_000}, key=key())
    assert first.status_code == 201, first.json()
    assert set(first.json()) >= CONTRACT
    assert (first.json()["type"], first.json()["parent_id"]) == ("refund", pay["id"])
    detail = api.get(f"/api/v1/wallet/transactions/{pay['id']}").json()
    assert (detail["status"], detail["refunded_amount"]) == ("partially_refunded", 1_000)
    assert shop_api.post(url, {"amount": 1_500}, key=key()).status_code == 201
    before = snapshot()
    too_much = shop_api.post(url, {"amount": 501}, key=key())
    assert (too_much.status_code, too_much.json()["code"]) == (422, "refund_exceeds_payment")
    assert snapshot() == before
    assert shop_api.post(url, {"amount": 500}, key=key()).status_code == 201
    detail = api.get(f"/api/v1/wallet/transactions/{pay['id']}").json()
    assert (detail["status"], detail["refunded_amount"]) == ("refunded", 3_000)
    again = shop_api.post(url, {"amount": 1}, key=key())
    assert (again.status_code, again.json()["code"]) == (422, "payment_not_refundable")
    assert balance_of(customer) == 10_000 and merchant_balance(merchant) == 0
    assert_ledger_ok()


def test_merchant_key_is_scoped_to_its_own_payments(api: ApiClient, customer: Any,
                                                    merchant: Any, fund: Any) -> None:
    from walletdesk.wallet.services.merchants import issue_api_key

    other = Merchant.objects.create(name="别家", slug="other-shop")
    other_api = ApiClient(issue_api_key(other))
    fund(customer, 10_000)
    pay = api.post("/api/v1/wallet/payments", {"merchant": merchant.slug, "amount": 3_000,
                                               "currency": "CNY", "method": "balance"},
                   key=key()).json()
    before = snapshot()
    r = other_api.post(f"/api/v1/wallet/payments/{pay['id']}/refunds", {"amount": 100}, key=key())
    assert (r.status_code, r.json()["code"]) == (403, "wrong_merchant")
    assert snapshot() == before
    # A customer's token is not a merchant key, and no key at all is refused.
    assert api.post(f"/api/v1/wallet/payments/{pay['id']}/refunds", {"amount": 100},
                    key=key()).status_code == 401
    assert ApiClient(None).post(f"/api/v1/wallet/payments/{pay['id']}/refunds",
                                {"amount": 100}, key=key()).status_code == 401
    assert snapshot() == before
    # The other merchant's list does not show it.
    assert other_api.get("/api/v1/merchant/payments").json()["total"] == 0
    mine = ApiClient(merchant.api_key).get("/api/v1/merchant/payments").json()
    assert [t["id"] for t in mine["items"]] == [pay["id"]]


def test_history_filters(api: ApiClient, customer: Any, merchant: Any, make_customer: Any,
                         fund: Any) -> None:
    bob = make_customer("bob@example.com")
    fund(customer, 50_000)
    clock.advance(days=3)
    for amount in (100, 2_000, 30_000):
        api.post("/api/v1/wallet/payments", {"merchant": merchant.slug, "amount": amount,
                                             "currency": "CNY", "method": "balance"}, key=key())
    api.post("/api/v1/wallet/transfers", {"to": bob.email, "amount": 500, "currency": "CNY"},
             key=key())
    everything = api.get("/api/v1/wallet/transactions").json()
    assert everything["total"] == 5
    assert all(set(t) >= CONTRACT for t in everything["items"])
    assert api.get("/api/v1/wallet/transactions", type="payment").json()["total"] == 3
    assert api.get("/api/v1/wallet/transactions", status="completed").json()["total"] == 5
    assert api.get("/api/v1/wallet/transactions", status="pending").json()["total"] == 0
    ranged = api.get("/api/v1/wallet/transactions", min_amount=500, max_amount=2_000).json()
    assert sorted(t["amount"] for t in ranged["items"]) == [500, 2_000]
    today = clock.now().date()
    assert api.get("/api/v1/wallet/transactions", since=today.isoformat()).json()["total"] == 4
    before = (today - timedelta(days=1)).isoformat()
    assert api.get("/api/v1/wallet/transactions", until=before).json()["total"] == 1
    page = api.get("/api/v1/wallet/transactions", limit=2, offset=1).json()
    assert (len(page["items"]), page["total"]) == (2, 5)
    bad = api.get("/api/v1/wallet/transactions", status="nope")
    assert (bad.status_code, bad.json()["code"]) == (422, "unknown_status")
    bad = api.get("/api/v1/wallet/transactions", type="nope")
    assert (bad.status_code, bad.json()["code"]) == (422, "unknown_type")
    bad = api.get("/api/v1/wallet/transactions", currency="XXX")
    assert (bad.status_code, bad.json()["code"]) == (422, "unknown_currency")


def test_detail_is_private(api: ApiClient, make_customer: Any, fund: Any) -> None:
    from walletdesk.accounts.services import issue_token

    eve = make_customer("eve@example.com")
    txn = fund(eve, 1_000)
    r = api.get(f"/api/v1/wallet/transactions/{txn.public_id}")
    assert (r.status_code, r.json()["code"]) == (404, "transaction_not_found")
    mine = ApiClient(issue_token(eve)).get(f"/api/v1/wallet/transactions/{txn.public_id}")
    assert mine.status_code == 200
    assert [e["to_status"] for e in mine.json()["events"]] == ["pending", "completed"]


@pytest.fixture
def fee_rules(db: Any) -> Promotion:
    start = clock.now() - timedelta(days=1)
    FeePolicy.objects.create(operation="payment", method="credit_card", currency="CNY",
                             basis_points=100, minimum=10, effective_from=start)
    FeePolicy.objects.create(operation="payment", method="bank_card", currency="CNY",
                             basis_points=50, fixed=5, effective_from=start)
    FeePolicy.objects.create(operation="transfer", method="balance", currency="CNY",
                             basis_points=10, minimum=1, effective_from=start)
    return Promotion.objects.create(name_zh="转账免费", name_en="Free transfers",
                                    operation="transfer", starts_at=start,
                                    ends_at=start + timedelta(days=30), per_user_limit=1)


def test_fee_quote(anon_api: ApiClient, api: ApiClient, fee_rules: Promotion) -> None:
    r = anon_api.get("/api/v1/wallet/fees/quote", operation="payment", amount="10000",
                     currency="CNY", method="credit_card")
    assert r.status_code == 200, r.json()
    q = r.json()
    assert (q["fee"], q["total"], q["promotion"], q["cheapest_method"]) == (
        100, 10_100, None, "balance")
    assert [a["method"] for a in q["alternatives"]] == ["balance", "bank_card", "credit_card"]
    assert [a["fee"] for a in q["alternatives"]] == [0, 55, 100]
    # A promotion capped per user applies to a known user (here by bearer token) only.
    t = api.get("/api/v1/wallet/fees/quote", operation="transfer", amount="10000",
                currency="CNY").json()
    assert (t["fee_before_promotion"], t["fee"], t["promotion"]["name_en"]) == (
        10, 0, "Free transfers")
    t = anon_api.get("/api/v1/wallet/fees/quote", operation="transfer", amount="10000",
                     currency="CNY").json()
    assert (t["fee"], t["promotion"]) == (10, None)
    for params, code in [({"operation": "nope", "amount": "1", "currency": "CNY"},
                          "unknown_operation"),
                         ({"operation": "payment", "amount": "1.5", "currency": "CNY"},
                          "invalid_amount"),
                         ({"operation": "payment", "amount": "0", "currency": "CNY"},
                          "invalid_amount"),
                         ({"operation": "payment", "amount": "99999999999999", "currency": "CNY"},
                          "amount_above_limit"),
                         ({"operation": "payment", "amount": "1", "currency": "XYZ"},
                          "unknown_currency"),
                         ({"operation": "transfer", "amount": "1", "currency": "CNY",
                           "method": "credit_card"}, "unknown_method")]:
        r = anon_api.get("/api/v1/wallet/fees/quote", **params)
        assert (r.status_code, r.json()["code"]) == (422, code), params


def test_promotion_per_user_cap(api: ApiClient, customer: Any, make_customer: Any, fund: Any,
                                fee_rules: Promotion) -> None:
    bob = make_customer("bob@example.com")
    fund(customer, 100_000)
    first = api.post("/api/v1/wallet/transfers", {"to": bob.email, "amount": 10_000,
                                                  "currency": "CNY"}, key=key()).json()
    assert (first["fee"], first["fee_before_promotion"], first["promotion"]) == (
        0, 10, "Free transfers")
    second = api.post("/api/v1/wallet/transfers", {"to": bob.email, "amount": 10_000,
                                                   "currency": "CNY"}, key=key()).json()
    assert (second["fee"], second["promotion"]) == (10, None)
    quote = api.get("/api/v1/wallet/fees/quote", operation="transfer", amount="10000",
                    currency="CNY").json()
    assert (quote["fee"], quote["promotion"]) == (10, None)  # the cap is used up
    # The promotion paid the first fee: revenue got both fees, the customer paid one.
    assert balance_of(customer) == 100_000 - 20_000 - 10
    assert_ledger_ok()


def test_payment_requests_approve_and_decline(api: ApiClient, shop_api: ApiClient,
                                              customer: Any, merchant: Any, fund: Any) -> None:
    fund(customer, 10_000)
    r = shop_api.post("/api/v1/merchant/payment-requests",
                      {"customer": customer.email, "amount": 1_200, "currency": "CNY",
                       "description": "咖啡"})
    assert r.status_code == 201, r.json()
    req = r.json()
    assert req["status"] == "open"
    assert [x["id"] for x in api.get("/api/v1/wallet/payment-requests").json()] == [req["id"]]
    assert balance_of(customer) == 10_000  # nothing moves before the customer approves
    ok = api.post(f"/api/v1/wallet/payment-requests/{req['id']}/approve", {}, key=key())
    assert ok.status_code == 200, ok.json()
    assert ok.json()["status"] == "paid" and ok.json()["transaction_id"]
    assert balance_of(customer) == 8_800 and merchant_balance(merchant) == 1_200
    again = api.post(f"/api/v1/wallet/payment-requests/{req['id']}/approve", {}, key=key())
    assert (again.status_code, again.json()["code"]) == (409, "payment_request_not_open")
    second = shop_api.post("/api/v1/merchant/payment-requests",
                           {"customer": customer.email, "amount": 500, "currency": "CNY"}).json()
    no = api.post(f"/api/v1/wallet/payment-requests/{second['id']}/decline", {})
    assert no.status_code == 200 and no.json()["status"] == "declined"
    assert PaymentRequest.objects.get(public_id=second["id"]).transaction is None
    assert balance_of(customer) == 8_800
    bad = shop_api.post("/api/v1/merchant/payment-requests",
                        {"customer": "nobody@example.com", "amount": 5, "currency": "CNY"})
    assert (bad.status_code, bad.json()["code"]) == (422, "unknown_recipient")


def test_csv_export_and_statement_pages(customer: Any, merchant: Any, fund: Any) -> None:
    from django.test import Client

    fund(customer, 10_000)
    from walletdesk.wallet import services

    services.pay(customer, merchant=merchant, amount=1_234, currency="CNY", method="balance")
    client = Client(headers={"accept-language": "en"})
    client.force_login(customer)
    csv = client.get("/wallet/history.csv?type=payment")
    assert csv.status_code == 200 and csv["Content-Type"].startswith("text/csv")
    lines = csv.getvalue().decode("utf-8-sig").strip().splitlines()
    assert len(lines) == 2 and lines[0].startswith("Time (China time),Reference,Type,Status")
    assert ",Payment,Completed,Money out,12.34,0.00,CNY,Wallet balance,Sample Coffee," in lines[1]
    month = clock.now().astimezone().strftime("%Y-%m")
    st = client.get(f"/wallet/statement/?month={month}&currency=CNY")
    assert st.status_code == 200
    html = st.content.decode()
    assert "100.00" in html and "87.66" in html  # credits and closing balance
    assert client.get("/wallet/statement/?month=garbage").status_code == 200
