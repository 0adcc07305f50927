"""The console panel: each action, what it needs, and why it is or is not available now."""

from __future__ import annotations

from typing import Any

import pytest

from walletdesk.accounts.models import AccountHold
from walletdesk.accounts.services import holds
from walletdesk.casework.tests.conftest import client_for

pytestmark = pytest.mark.security


def panel(case: Any) -> dict[str, Any]:
    r = case.agent_api.get(f"/api/v1/support/conversations/{case.conv.pk}/casework")
    assert r.status_code == 200, r.json()
    return r.json()


def why(p: dict[str, Any], action: str) -> list[str]:
    return [w["code"] for w in next(a for a in p["actions"] if a["action"] == action)["why_not"]]


def test_before_verification_every_action_waits_for_it(make_case: Any) -> None:
    case = make_case("agent", verified=False)
    p = panel(case)
    assert p["verified"] is False and p["verification"] is None
    assert [b["code"] for b in p["blockers"]] == ["verification_required"]
    assert not any(a["available"] for a in p["actions"])
    assert "action_not_permitted" in why(p, "freeze")
    assert p["methods"] == ["in_app", "code"]


def test_after_verification_with_the_time_left(make_case: Any) -> None:
    case = make_case("agent")
    p = panel(case)
    assert p["verified"] is True and p["verification"]["status"] == "confirmed"
    assert 14 * 60 < p["verification"]["seconds_left"] <= 15 * 60
    assert p["blockers"] == []
    available = {a["action"] for a in p["actions"] if a["available"]}
    # start_unlock needs a locked account; freeze, release_hold and reset_2fa need a senior.
    assert available == {"trace_transaction", "retry_transaction", "expire_transaction",
                         "request_merchant_refund", "refund_fee"}
    assert why(p, "start_unlock") == ["action_not_applicable"]
    holds.place(case.customer, AccountHold.Kind.SECURITY, "too many wrong passwords")
    assert why(panel(case), "start_unlock") == []
    rules = {a["action"]: a["approval"] for a in p["actions"]}
    assert rules["release_hold"] == "always" and rules["refund_fee"] == "above:2000"


def test_another_agent_sees_why_not(make_case: Any, make_staff: Any) -> None:
    case = make_case("agent")
    other = client_for(make_staff("supervisor").user)
    p = other.get(f"/api/v1/support/conversations/{case.conv.pk}/casework").json()
    assert "not_your_conversation" in [b["code"] for b in p["blockers"]]
    assert not any(a["available"] for a in p["actions"])


def test_the_approval_queue_is_for_approvers(make_case: Any, make_staff: Any) -> None:
    case = make_case("senior_agent")
    holds.place(case.customer, AccountHold.Kind.RISK, "risk rules")
    action_id = case.act("release_hold").json()["id"]
    boss = make_staff("supervisor")
    assert [a["id"] for a in client_for(boss.user).get(
        "/api/v1/support/actions/approvals").json()] == [action_id]
    assert client_for(make_staff("agent").user).get("/api/v1/support/actions/approvals").json() == []
    assert panel(case)["approvals"] == []  # never one's own


def test_the_polled_panel_costs_a_fixed_number_of_queries(make_case: Any,
                                                          paid_fee: Any) -> None:
    """The console asks every 3 s: its cost must not grow with the conversation's actions."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    case = make_case("senior_agent")
    case.act("trace_transaction", transaction_id=paid_fee(case.customer).public_id)
    with CaptureQueriesContext(connection) as first:
        panel(case)
    for _ in range(5):
        case.act("trace_transaction", transaction_id=paid_fee(case.customer).public_id)
    with CaptureQueriesContext(connection) as later:
        panel(case)
    assert len(later.captured_queries) == len(first.captured_queries) <= 25, [
        q["sql"] for q in later.captured_queries]


def test_the_assigned_agent_sees_what_can_be_named(make_case: Any, make_staff: Any,
                                                   fund: Any) -> None:
    case = make_case("senior_agent")
    txn = fund(case.customer, 2_000)
    hold = holds.place(case.customer, AccountHold.Kind.RISK, "risk rules")
    p = panel(case)
    assert [t["id"] for t in p["transactions"]] == [txn.public_id]
    assert [h["id"] for h in p["holds"]] == [hold.pk]
    other = client_for(make_staff("supervisor").user)
    seen = other.get(f"/api/v1/support/conversations/{case.conv.pk}/casework").json()
    assert seen["transactions"] == [] and seen["holds"] == []


def test_the_panel_speaks_the_agents_language(make_case: Any) -> None:
    case = make_case("agent")
    for lang, needs in (("zh-hans", "账户处于锁定状态"), ("en", "a locked account")):
        r = case.agent_api.client.get(f"/api/v1/support/conversations/{case.conv.pk}/casework",
                                      headers={**case.agent_api._headers(None),
                                               "Accept-Language": lang})
        row = next(a for a in r.json()["actions"] if a["action"] == "start_unlock")
        assert row["needs"] == needs


def test_hold_reasons_read_in_the_agents_language(make_case: Any) -> None:
    """The reasons the system writes on its holds are stored in English and read in the
    agent's language; an agent's freeze keeps the employee ID and their own words."""
    case = make_case("agent")
    holds.place(case.customer, AccountHold.Kind.SECURITY, "too many wrong passwords")
    holds.place(case.customer, AccountHold.Kind.SECURITY, "too many wrong tries (totp)")
    holds.place(case.customer, AccountHold.Kind.RISK, "risk rules")
    holds.place(case.customer, AccountHold.Kind.SECURITY, "support WD1024: 客户来电称手机被盗")
    holds.place(case.customer, AccountHold.Kind.SECURITY, "typed by an admin")
    for lang, expected in (
            ("zh-hans", ["多次输错密码", "验证器验证码多次输错", "风控规则拦截了一笔付款",
                         "客服（WD1024）冻结：客户来电称手机被盗", "typed by an admin"]),
            ("en", ["too many wrong passwords", "too many wrong tries of the authenticator code",
                    "the risk rules stopped a payment",
                    "frozen by support (WD1024): 客户来电称手机被盗", "typed by an admin"])):
        r = case.agent_api.client.get(f"/api/v1/support/conversations/{case.conv.pk}/casework",
                                      headers={**case.agent_api._headers(None),
                                               "Accept-Language": lang})
        got = r.json()["holds"]
        assert [h["reason_label"] for h in got] == expected
        assert got[0]["reason"] == "too many wrong passwords"  # the record stays as written
