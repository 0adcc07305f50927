"""Actions the customer or the merchant finishes on their own side; the API contract."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.management import call_command

from walletdesk.accounts import services as accounts
from walletdesk.accounts.models import AccountHold
from walletdesk.accounts.services import holds
from walletdesk.accounts.tests.fixtures import last_code, messages_to
from walletdesk.casework.models import AgentAction, MerchantRefundRequest
from walletdesk.conftest import ApiClient
from walletdesk.support.models import Message
from walletdesk.wallet import services as wallet

pytestmark = pytest.mark.security


def test_unlock_is_finished_by_the_customer_never_the_agent(make_case: Any) -> None:
    case = make_case("agent")
    holds.place(case.customer, AccountHold.Kind.SECURITY, "too many wrong passwords")
    r = case.act("start_unlock", reason="locked out after wrong passwords")
    assert r.status_code == 201 and r.json()["status"] == "awaiting_customer"
    # The agent's answer carries no code and no password, only where the code went.
    assert set(r.json()["result"]) == {"sent_to", "channel", "minutes"}
    assert "@" in r.json()["result"]["sent_to"] and "***" in r.json()["result"]["sent_to"]
    code = last_code(case.customer.email)
    assert code not in json.dumps(r.json())
    assert code not in "".join(Message.objects.filter(conversation=case.conv)
                               .values_list("text", flat=True))
    assert holds.blocks_login(case.customer)
    accounts.confirm_unlock(None, case.customer.email, code)
    assert not holds.blocks_login(case.customer)
    act = AgentAction.objects.get(pk=r.json()["id"])
    assert act.status == "done" and act.completed_at is not None
    assert Message.objects.filter(conversation=case.conv, event="unlock_completed").exists()


def test_start_unlock_only_for_a_locked_account(make_case: Any) -> None:
    case = make_case("agent")
    r = case.act("start_unlock")
    assert r.status_code == 403 and r.json()["code"] == "action_not_applicable"


def test_merchant_sees_the_request_and_grants_it(make_case: Any, merchant: Any, fund: Any,
                                                 make_customer: Any) -> None:
    case = make_case("agent", customer=make_customer(language="en"))
    fund(case.customer, 10_000)
    pay = wallet.pay(case.customer, merchant=merchant, amount=4_000, currency="CNY",
                     method="balance")
    r = case.act("request_merchant_refund", reason="charged twice for one coffee",
                 transaction_id=pay.public_id, amount=4_000)
    assert r.status_code == 201 and r.json()["result"]["status"] == "open"
    assert any("40.00" in m["body"] and pay.public_id in m["body"]
               for m in messages_to(case.customer.email))
    shop = ApiClient(merchant.api_key)
    listed = shop.get("/api/v1/merchant/refund-requests").json()
    assert [(x["payment_id"], x["amount"], x["status"]) for x in listed] == [
        (pay.public_id, 4_000, "open")]
    # A second request for the same payment waits for the first.
    again = case.act("request_merchant_refund", transaction_id=pay.public_id)
    assert again.status_code == 403 and again.json()["code"] == "action_not_applicable"
    granted = shop.post(listed[0]["refund_url"], {"amount": 4_000},
                        key="refund-once")
    assert granted.status_code == 201, granted.json()
    req = MerchantRefundRequest.objects.get()
    assert req.status == "granted" and req.refund is not None
    assert Message.objects.filter(conversation=case.conv, event="refund_granted").exists()
    assert "refunded ¥40.00" in messages_to(case.customer.email)[0]["body"]
    # Another merchant sees nothing.
    from walletdesk.wallet.models import Merchant
    from walletdesk.wallet.services.merchants import issue_api_key

    other = Merchant.objects.create(name="别家", name_en="Other", slug="other-shop")
    assert ApiClient(issue_api_key(other)).get("/api/v1/merchant/refund-requests").json() == []


def test_operation_ids_are_unique(anon_api: Any) -> None:
    schema = anon_api.get("/api/v1/openapi.json").json()
    ids = [op["operationId"] for path in schema["paths"].values() for op in path.values()]
    assert len(ids) == len(set(ids))
    for path in ("/api/v1/support/conversations/{conversation_id}/verification",
                 "/api/v1/support/verifications/{verification_id}/confirm",
                 "/api/v1/support/conversations/{conversation_id}/actions",
                 "/api/v1/support/actions/{action_id}/approve"):
        assert path in schema["paths"], path


def test_seed_lists_a_supervisor_and_a_senior_agent(db: Any, capsys: Any) -> None:
    call_command("seed_demo", "--json")
    logins = json.loads(capsys.readouterr().out)
    roles = {e["role"]: e for e in logins if e["role"] in ("supervisor", "senior_agent")}
    assert set(roles) == {"supervisor", "senior_agent"}
    assert all(e.get("employee_id", "").startswith("WD") for e in roles.values())


def test_the_transcript_names_each_action(make_case: Any, fund: Any) -> None:
    from walletdesk.support import queries as support_queries

    case = make_case("agent")
    txn = fund(case.customer, 1_000)
    case.act("trace_transaction", transaction_id=txn.public_id)
    text = support_queries.transcript(case.conv, language="zh-hans")
    assert "已请求核实本人身份" in text and "客户身份已验证" in text and "已追踪交易" in text
    assert "action_" not in text
