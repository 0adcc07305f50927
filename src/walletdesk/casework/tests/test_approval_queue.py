"""The approval queue in words (who asked, for which customer, in which conversation), a
rejection with the approver's own reason, the wallet's currency for amounts and limits, and
the supervisor view's "Waiting for your approval" with links into the console."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from walletdesk.accounts.models import AccountHold
from walletdesk.accounts.services import holds
from walletdesk.casework.models import AgentAction
from walletdesk.casework.tests.conftest import client_for

pytestmark = pytest.mark.security
APPROVALS = "/api/v1/support/actions/approvals"


def awaiting(make_case: Any, make_customer: Any) -> tuple[Any, int]:
    case = make_case("senior_agent", customer=make_customer(display_name="陈小姐"))
    holds.place(case.customer, AccountHold.Kind.RISK, "risk rules")
    r = case.act("release_hold", reason="the customer confirmed the payments in the app")
    assert r.status_code == 201 and r.json()["status"] == "awaiting_approval"
    return case, r.json()["id"]


def test_the_queue_names_the_agent_the_customer_and_the_conversation(
        make_case: Any, make_customer: Any, make_staff: Any) -> None:
    case, action_id = awaiting(make_case, make_customer)
    boss = client_for(make_staff("supervisor").user)
    [row] = boss.get(APPROVALS).json()
    assert row["id"] == action_id
    assert row["requested_by"] == case.agent.employee_id
    assert row["requested_by_name"] == case.agent.display_name
    assert row["customer_name"] == "陈小姐"
    assert row["reference"] == case.conv.reference
    # the same rows in the panel, whichever conversation the supervisor has open
    assert client_for(make_staff("agent").user).get(APPROVALS).json() == []


def test_a_rejection_keeps_the_approvers_reason(make_case: Any, make_customer: Any,
                                               make_staff: Any) -> None:
    case, action_id = awaiting(make_case, make_customer)
    boss = client_for(make_staff("supervisor").user)
    short = boss.post(f"/api/v1/support/actions/{action_id}/reject", {"reason": "no"})
    assert short.status_code == 422 and short.json()["code"] == "reason_required"
    assert AgentAction.objects.get(pk=action_id).status == "awaiting_approval"  # nothing changed
    r = boss.post(f"/api/v1/support/actions/{action_id}/reject",
                  {"reason": "Ask the customer for the card statement first"})
    assert r.status_code == 200 and r.json()["status"] == "rejected"
    assert r.json()["result"]["reason"] == "Ask the customer for the card statement first"
    # the requester's panel shows the rejection and its reason
    p = case.agent_api.get(f"/api/v1/support/conversations/{case.conv.pk}/casework").json()
    [item] = [a for a in p["history"] if a["id"] == action_id]
    assert item["status"] == "rejected"
    assert item["result"]["reason"] == "Ask the customer for the card statement first"


def test_the_panel_names_the_wallet_currency(make_case: Any, make_customer: Any,
                                             fund: Any) -> None:
    hk = make_customer()
    fund(hk, 50_000, "HKD")
    case = make_case("agent", customer=hk)
    p = case.agent_api.get(f"/api/v1/support/conversations/{case.conv.pk}/casework").json()
    assert p["currency"] == "HKD"
    assert {t["currency"] for t in p["transactions"]} == {"HKD"}
    assert all(len(t["reference"]) == 16 and t["reference"].isdigit() for t in p["transactions"])
    # the reference people see names the transaction for an action (no internal id needed)
    ref = p["transactions"][0]["reference"]
    spaced = " ".join(ref[i:i + 4] for i in range(0, 16, 4))
    r = case.act("trace_transaction", transaction_id=spaced)
    assert r.status_code == 201, r.json()
    assert r.json()["params"]["transaction_id"] == p["transactions"][0]["id"]
    plain = make_case("agent")
    assert plain.agent_api.get(
        f"/api/v1/support/conversations/{plain.conv.pk}/casework").json()["currency"] == "CNY"


def test_the_supervisor_view_lists_what_waits_for_approval(
        make_case: Any, make_customer: Any, make_staff: Any) -> None:
    case, action_id = awaiting(make_case, make_customer)
    boss = make_staff("supervisor")
    web = Client(HTTP_ACCEPT_LANGUAGE="en")
    web.force_login(boss.user)
    page = web.get("/support/supervisor/").content.decode()
    assert 'data-testid="sv-approvals"' in page
    assert f'data-testid="sv-approval-{action_id}"' in page
    assert f'href="/support/console/?c={case.conv.reference}"' in page
    assert "Release a hold" in page and "陈小姐" in page and case.agent.display_name in page
    assert "release_hold" not in page.split('data-testid="sv-approvals"')[1].split("</table>")[0]
    zh = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    zh.force_login(boss.user)
    assert "等待您批准" in zh.get("/support/supervisor/").content.decode()


def test_the_console_hides_the_action_form_without_a_conversation(make_staff: Any) -> None:
    web = Client(HTTP_ACCEPT_LANGUAGE="en")
    web.force_login(make_staff("supervisor").user)
    page = web.get("/support/console/").content.decode()
    assert 'class="cw ctx-card conv-only" id="cw"' in page
    assert 'id="cw-approvals-box"' in page
    assert "Rejected: not enough evidence" not in page
