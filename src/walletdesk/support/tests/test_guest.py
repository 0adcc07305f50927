"""Guest chat: the same answer whether or not the address has an account; a code attaches it."""

from __future__ import annotations

from typing import Any

import pytest

from walletdesk.accounts.errors import InvalidCode
from walletdesk.accounts.tests.fixtures import _commit_now, last_code  # noqa: F401
from walletdesk.support.models import Conversation
from walletdesk.support.services import guest

pytestmark = pytest.mark.security


def test_same_answer_with_and_without_an_account(make_customer: Any, anon_api: Any) -> None:
    make_customer("locked@example.com")
    answers = []
    for contact in ("locked@example.com", "nobody@example.com"):
        r = anon_api.post("/api/v1/support/guest/conversations",
                          {"contact": contact, "topic": "account_locked", "message": "我被锁了"})
        assert r.status_code == 201
        answers.append({k: v for k, v in r.json().items() if k not in ("id", "reference", "guest_token",
                                                                           "queue_position")})
    assert answers[0] == answers[1]
    assert Conversation.objects.filter(customer__isnull=True).count() == 2


def test_code_attaches_the_account_and_its_context(make_customer: Any, anon_api: Any) -> None:
    user = make_customer("locked@example.com")
    body = anon_api.post("/api/v1/support/guest/conversations",
                         {"contact": "locked@example.com", "topic": "account_locked",
                          "message": "登录不了"}).json()
    cid, token = body["id"], body["guest_token"]
    anon_api.client.defaults["HTTP_X_GUEST_TOKEN"] = token
    assert anon_api.get(f"/api/v1/support/conversations/{cid}").status_code == 200
    r = anon_api.post(f"/api/v1/support/conversations/{cid}/guest/verify", {"code": "000000"})
    assert r.status_code == 400 and r.json()["code"] == "invalid_code"
    code = last_code("locked@example.com")
    r = anon_api.post(f"/api/v1/support/conversations/{cid}/guest/verify", {"code": code})
    assert r.status_code == 200, r.content
    conv = Conversation.objects.get(pk=cid)
    assert conv.customer == user and conv.guest_verified_at is not None
    assert conv.context["account"] is not None


def test_unknown_address_never_verifies(db: Any) -> None:
    opened = guest.open_guest(contact="nobody@example.com", topic="general", message="hi")
    with pytest.raises(InvalidCode):
        guest.verify(opened.conversation, "123456")


def test_guest_token_is_bound_to_its_conversation(anon_api: Any) -> None:
    a = anon_api.post("/api/v1/support/guest/conversations",
                      {"contact": "x@example.com", "topic": "general", "message": "a"}).json()
    b = anon_api.post("/api/v1/support/guest/conversations",
                      {"contact": "y@example.com", "topic": "general", "message": "b"}).json()
    anon_api.client.defaults["HTTP_X_GUEST_TOKEN"] = a["guest_token"]
    assert anon_api.get(f"/api/v1/support/conversations/{b['id']}").status_code == 404
    assert anon_api.get(f"/api/v1/support/conversations/{a['id']}").status_code == 200


@pytest.mark.usefixtures("still_clock")
def test_guest_chats_are_rate_limited_per_address(db: Any) -> None:
    import json

    from django.test import Client

    c = Client(REMOTE_ADDR="10.9.8.7")
    body = json.dumps({"contact": "z@example.com", "topic": "general", "message": "hi"})
    codes = [c.post("/api/v1/support/guest/conversations", body, content_type="application/json").status_code
             for _ in range(guest.GUEST_LIMIT.count + 1)]
    assert codes[:-1] == [201] * guest.GUEST_LIMIT.count and codes[-1] == 429


def test_staff_see_a_guest_by_the_contact_masked(db: Any) -> None:
    """Lists name a guest by their contact, masked as everywhere (the conversation's e-mail
    banner gives the address in full to whoever replies); a customer never sees the field."""
    from walletdesk.support import queries, supervision

    conv = guest.open_guest(contact="wang.fang@example.cn", topic="general",
                            message="hi").conversation
    staff = queries.conversation_dict(conv, "agent")
    assert staff["customer"] == "w***@example.cn" and staff["guest"] is True
    assert supervision.customer_of(conv) == "w***@example.cn"
    assert "customer" not in queries.conversation_dict(conv, "customer")
