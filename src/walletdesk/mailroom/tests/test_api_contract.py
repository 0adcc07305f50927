"""The contract outside tests use: GET /api/v1/support/conversations?channel=&status= for staff."""

from __future__ import annotations

from typing import Any

import pytest

from walletdesk.accounts.services import issue_token
from walletdesk.conftest import ApiClient
from walletdesk.mailroom import services
from walletdesk.support.services import conversations

from .conftest import mail

KEYS = {"id", "reference", "channel", "status", "subject", "customer"}


@pytest.fixture
def staff(make_agent: Any) -> dict[str, ApiClient]:
    return {role: ApiClient(issue_token(make_agent(role=role).user)) for role in ("agent", "supervisor")}


@pytest.fixture
def convs(mail_settings: Any, make_customer: Any) -> dict[str, Any]:
    email = services.receive(mail("Refund for order 1234", "The shop promised a refund.").as_bytes(),
                             "wang.fang@example.net").conversation
    chat = conversations.open_conversation(make_customer(display_name="Zhao"), topic="payments",
                                           message="chat question", use_triage=False).conversation
    return {"email": email, "chat": chat}


@pytest.mark.parametrize("role", ["agent", "supervisor"])
def test_listing_by_channel_has_the_contract_fields(staff: dict[str, ApiClient], convs: dict[str, Any],
                                                    role: str) -> None:
    api = staff[role]
    emails = api.get("/api/v1/support/conversations?channel=email").json()
    assert [c["reference"] for c in emails] == [convs["email"].reference]
    item = emails[0]
    assert item.keys() >= KEYS
    assert (item["id"], item["channel"], item["status"]) == (convs["email"].pk, "email", "queued")
    assert item["subject"] == "Refund for order 1234"  # the mail's subject, not the body
    assert item["customer"]
    chats = api.get("/api/v1/support/conversations?channel=chat").json()
    assert [c["reference"] for c in chats] == [convs["chat"].reference]
    assert chats[0].keys() >= KEYS and chats[0]["customer"] == "Zhao"
    both = api.get("/api/v1/support/conversations?status=queued").json()
    assert {c["channel"] for c in both} == {"email", "chat"}
    assert all(c.keys() >= KEYS for c in both)
    assert api.get("/api/v1/support/conversations?channel=email&status=resolved").json() == []
    assert api.get("/api/v1/support/conversations?channel=phone").json() == []


def test_a_customer_does_not_see_email_conversations_of_others(api: ApiClient, convs: dict[str, Any]) -> None:
    assert api.get("/api/v1/support/conversations?channel=email").json() == []
