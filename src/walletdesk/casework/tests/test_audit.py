"""Every action is audited (security log + conversation record) and the customer is told."""

from __future__ import annotations

from typing import Any

import pytest

from walletdesk.accounts.models import SecurityEvent
from walletdesk.accounts.tests.fixtures import messages_to
from walletdesk.casework import roles
from walletdesk.casework.tests.conftest import client_for
from walletdesk.notify.models import Delivery
from walletdesk.support import queries as support_queries

pytestmark = pytest.mark.security

# What the customer receives by email/SMS besides the event in their chat.
NOTICE = {"start_unlock": "support_unlock", "release_hold": "support_action",
          "freeze": "support_action", "reset_2fa": "support_action",
          "expire_transaction": "support_action", "refund_fee": "support_action",
          "request_merchant_refund": "refund_requested", "trace_transaction": None,
          "retry_transaction": None, "refund_from_merchant": "refund_support_refunded",
          "close_refund_request": "refund_support_closed"}


@pytest.mark.parametrize("action", roles.ACTIONS)
def test_every_action_is_audited_and_the_customer_told(action: str, make_case: Any,
                                                       make_staff: Any, prepare: Any) -> None:
    case = make_case("senior_agent")
    params = prepare(action, case.customer)
    messages_to(case.customer.email)  # deliver what the set-up sent
    before = set(Delivery.objects.values_list("pk", flat=True))
    reason = f"customer asked for {action} in chat"
    r = case.act(action, reason=reason, **params)
    assert r.status_code == 201, r.json()
    if r.json()["status"] == "awaiting_approval":
        assert SecurityEvent.objects.filter(kind="support_action_requested", user=case.customer,
                                            data__action=action, data__reason=reason).exists()
        ok = client_for(make_staff("supervisor").user).post(
            f"/api/v1/support/actions/{r.json()['id']}/approve")
        assert ok.status_code == 200, ok.json()
    kind = "support_action_started" if action == "start_unlock" else "support_action_done"
    ev = SecurityEvent.objects.filter(kind=kind, user=case.customer, data__action=action).get()
    assert ev.data["reason"] == reason and ev.data["requested_by"] == case.agent.employee_id
    # The customer sees it in their own chat (and transcript).
    seen = support_queries.messages_for(case.conv, "customer", 0)
    assert any(m.get("event") == f"action_{action}" for m in seen)
    messages_to(case.customer.email)
    sent = set(Delivery.objects.filter(user=case.customer).exclude(pk__in=before)
               .values_list("kind", flat=True))
    if NOTICE[action]:
        assert NOTICE[action] in sent
    # Never a password or a code in the audit trail.
    assert not any("password" in str(e.data) or "code" in e.data
                   for e in SecurityEvent.objects.filter(kind__startswith="support_"))


def test_notices_are_in_the_customers_language_with_their_phrase(make_case: Any,
                                                                 make_customer: Any,
                                                                 prepare: Any) -> None:
    zh = make_customer(language="zh-hans", anti_phishing_phrase="青山绿水")
    case = make_case("senior_agent", customer=zh)
    case.agent_api.client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    case.act("freeze", reason="customer reported a stolen phone")
    body = messages_to(zh.email)[0]["body"]
    assert "青山绿水" in body and "工号" in body and case.agent.employee_id in body
    assert case.conv.reference in body
