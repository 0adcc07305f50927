"""Role × action × object: who may request what, in which conversation, on whose data.

Every refusal is a 403 with a stable code and changes nothing."""

from __future__ import annotations

from typing import Any

import pytest

from walletdesk.accounts.models import AccountHold, SecurityEvent, TotpDevice
from walletdesk.accounts.services import holds
from walletdesk.casework import roles
from walletdesk.casework.models import AgentAction, MerchantRefundRequest
from walletdesk.support.services import conversations
from walletdesk.wallet.models import Hold, LedgerAccount, Posting, Transaction

pytestmark = pytest.mark.security

# What each role gets for each action, once the customer is verified and the object fits.
EXPECTED = {
    "agent": {"start_unlock": "awaiting_customer", "trace_transaction": "done",
              "retry_transaction": "done", "expire_transaction": "done",
              "request_merchant_refund": "done", "refund_fee": "done",
              "freeze": "action_not_permitted", "release_hold": "action_not_permitted",
              "reset_2fa": "action_not_permitted", "refund_from_merchant": "done",
              "close_refund_request": "done"},
}
for _role in ("senior_agent", "supervisor", "admin"):
    EXPECTED[_role] = {**EXPECTED["agent"], "freeze": "done", "release_hold": "awaiting_approval",
                       "reset_2fa": "awaiting_approval"}


def snapshot() -> dict[str, Any]:
    """Everything an action could change."""
    return {
        "actions": list(AgentAction.objects.values_list("pk", "status")),
        "holds": list(AccountHold.objects.values_list("pk", "released_at")),
        "txns": list(Transaction.objects.values_list("pk", "status", "refunded_amount")),
        "postings": Posting.objects.count(),
        "ledger": list(LedgerAccount.objects.values_list("pk", "balance", "pending_out",
                                                           "pending_in")),
        "wallet_holds": list(Hold.objects.values_list("pk", "status")),
        "totp": TotpDevice.objects.count(),
        "requests": MerchantRefundRequest.objects.count(),
    }


@pytest.mark.parametrize("role", ["agent", "senior_agent", "supervisor", "admin"])
@pytest.mark.parametrize("action", roles.ACTIONS)
def test_role_by_action(role: str, action: str, make_case: Any, prepare: Any) -> None:
    case = make_case(role)
    params = prepare(action, case.customer)
    expected = EXPECTED[role][action]
    before = snapshot()
    r = case.act(action, **params)
    if expected == "action_not_permitted":
        assert r.status_code == 403 and r.json()["code"] == "action_not_permitted"
        assert snapshot() == before
        assert SecurityEvent.objects.filter(kind="support_action_refused",
                                            data__refusal="action_not_permitted").exists()
    else:
        assert r.status_code == 201, r.json()
        body = r.json()
        assert body["action"] == action and body["status"] == expected
        assert set(body) >= {"id", "action", "status"}


TXN_ACTIONS = ["trace_transaction", "retry_transaction", "expire_transaction",
               "request_merchant_refund", "refund_fee"]


@pytest.mark.parametrize("action", TXN_ACTIONS)
def test_another_customers_transaction_is_refused(action: str, make_case: Any, prepare: Any,
                                                  make_customer: Any) -> None:
    case = make_case("supervisor")
    stranger = make_customer()
    theirs = prepare(action, stranger)
    before = snapshot()
    r = case.act(action, **theirs)
    assert r.status_code == 403 and r.json()["code"] == "object_not_in_conversation"
    assert snapshot() == before
    # A made-up id answers exactly the same (nothing to learn by guessing).
    r = case.act(action, transaction_id="tx_00000000000000000000")
    assert r.status_code == 403 and r.json()["code"] == "object_not_in_conversation"


def test_another_customers_hold_is_refused(make_case: Any, make_customer: Any) -> None:
    case = make_case("senior_agent")
    holds.place(case.customer, AccountHold.Kind.RISK, "risk rules")
    other = holds.place(make_customer(), AccountHold.Kind.RISK, "risk rules")
    before = snapshot()
    r = case.act("release_hold", hold_id=other.pk)
    assert r.status_code == 403 and r.json()["code"] == "object_not_in_conversation"
    assert snapshot() == before


@pytest.mark.parametrize("action", roles.ACTIONS)
def test_no_action_without_a_verified_customer(action: str, make_case: Any, prepare: Any) -> None:
    case = make_case("admin", verified=False)
    params = prepare(action, case.customer)
    before = snapshot()
    r = case.act(action, **params)
    assert r.status_code == 403 and r.json()["code"] == "verification_required"
    assert snapshot() == before


def test_no_action_in_someone_elses_conversation(make_case: Any, make_staff: Any,
                                                  fund: Any) -> None:
    case = make_case("agent")
    txn = fund(case.customer, 1_000)
    from walletdesk.casework.tests.conftest import client_for

    # A plain agent (or an admin, who has no console lists) is told nothing about another
    # agent's conversation: the same 404 as for one that does not exist; a supervisor, who
    # may watch it, is told it is not theirs.
    before = snapshot()
    for role, status, code in (("agent", 404, "conversation_not_found"),
                               ("admin", 404, "conversation_not_found"),
                               ("supervisor", 403, "not_your_conversation")):
        other = client_for(make_staff(role).user)
        r = other.post(f"/api/v1/support/conversations/{case.conv.pk}/actions",
                       {"action": "trace_transaction", "reason": "looking around",
                        "transaction_id": txn.public_id})
        assert (r.status_code, r.json()["code"]) == (status, code), role
        missing = other.post("/api/v1/support/conversations/999999/actions",
                             {"action": "trace_transaction", "reason": "looking around",
                              "transaction_id": txn.public_id})
        if status == 404:
            assert missing.json() == r.json()
    assert snapshot() == before


def test_no_action_in_a_queued_or_resolved_conversation(make_case: Any, make_staff: Any,
                                                        make_customer: Any, fund: Any) -> None:
    case = make_case("agent")
    txn = fund(case.customer, 1_000)
    conversations.resolve(case.agent, case.conv)
    r = case.act("trace_transaction", transaction_id=txn.public_id)
    assert r.status_code == 403 and r.json()["code"] == "conversation_not_live"
    queued = conversations.open_conversation(make_customer(), topic="general", message="hi",
                                             use_triage=False).conversation
    r = case.agent_api.post(f"/api/v1/support/conversations/{queued.pk}/actions",
                            {"action": "freeze", "reason": "no reason at all"})
    assert r.status_code == 403


def test_customers_are_not_agents(make_case: Any, fund: Any) -> None:
    case = make_case()
    txn = fund(case.customer, 1_000)
    r = case.customer_api.post(f"/api/v1/support/conversations/{case.conv.pk}/actions",
                               {"action": "trace_transaction", "reason": "I am the agent now",
                                "transaction_id": txn.public_id})
    assert r.status_code == 403 and r.json()["code"] == "not_an_agent"


@pytest.mark.parametrize("reason", ["", "   ", "ok", None, "x" * 501])
def test_a_reason_is_required(reason: Any, make_case: Any) -> None:
    case = make_case("senior_agent")
    before = snapshot()
    body: dict[str, Any] = {"action": "freeze"}
    if reason is not None:
        body["reason"] = reason
    r = case.agent_api.post(f"/api/v1/support/conversations/{case.conv.pk}/actions", body)
    assert r.status_code == 422 and r.json()["code"] == "reason_required"
    assert snapshot() == before


def test_unknown_action(make_case: Any) -> None:
    case = make_case("admin")
    r = case.act("set_password", password="hunter2hunter2")
    assert r.status_code == 422 and r.json()["code"] == "unknown_action"


def test_the_matrix_is_one_table() -> None:
    assert set(roles.MATRIX) == set(roles.ACTIONS)
    for action, (may, _rule, approvers) in roles.MATRIX.items():
        assert "admin" in may, action
        assert approvers <= set(roles.STAFF_ROLES)
