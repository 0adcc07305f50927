"""The HTTP contract and permissions: customers see their own, agents queued or assigned, supervisors all."""

from __future__ import annotations

import io
from typing import Any

import pytest
from PIL import Image

from walletdesk.accounts.services import issue_token
from walletdesk.support.models import Conversation
from walletdesk.support.services import conversations

pytestmark = pytest.mark.security


@pytest.fixture
def people(make_agent: Any, make_customer: Any) -> dict[str, Any]:
    from walletdesk.conftest import ApiClient

    alice, bob = make_customer(), make_customer()
    a1, a2 = make_agent(name="王磊"), make_agent()
    boss = make_agent(role="supervisor")
    return {"alice": ApiClient(issue_token(alice)), "bob": ApiClient(issue_token(bob)),
            "a1": ApiClient(issue_token(a1.user)), "a2": ApiClient(issue_token(a2.user)),
            "boss": ApiClient(issue_token(boss.user)), "agent1": a1, "alice_user": alice}


def _open(people: dict[str, Any]) -> int:
    r = people["alice"].post("/api/v1/support/conversations", {"topic": "general", "message": "hi"})
    return int(r.json()["id"])


def test_open_get_messages_accept(people: dict[str, Any]) -> None:
    r = people["alice"].post("/api/v1/support/conversations",
                             {"channel": "chat", "topic": "missing_money", "message": "转账没到账"})
    assert r.status_code == 201, r.content
    body = r.json()
    assert set(body) >= {"id", "reference", "status", "queue_position", "estimated_wait_seconds"}
    assert body["status"] == "queued" and body["queue_position"] == 1
    cid = body["id"]
    got = people["alice"].get(f"/api/v1/support/conversations/{cid}").json()
    assert got["reference"] == body["reference"]
    assert people["a1"].post(f"/api/v1/support/conversations/{cid}/accept").status_code == 200
    taken = people["a2"].post(f"/api/v1/support/conversations/{cid}/accept").json()
    assert taken["code"] == "conversation_not_found"
    r = people["a1"].post(f"/api/v1/support/conversations/{cid}/messages", {"text": "您好", "client_id": "x"})
    assert r.status_code == 201
    msgs = people["alice"].get(f"/api/v1/support/conversations/{cid}/messages", after_seq=0).json()
    agent_msg = msgs[-1]
    assert agent_msg["sender"]["employee_id"] == people["agent1"].employee_id
    assert agent_msg["sender"]["verify_url"] == f"/contact/verify/?value={people['agent1'].employee_id}"
    later = people["alice"].get(f"/api/v1/support/conversations/{cid}/messages",
                                after_seq=agent_msg["seq"] - 1).json()
    assert [m["seq"] for m in later] == [agent_msg["seq"]]


def test_customers_see_only_their_own(people: dict[str, Any]) -> None:
    cid = _open(people)
    for path in (f"/api/v1/support/conversations/{cid}", f"/api/v1/support/conversations/{cid}/messages"):
        assert people["bob"].get(path).status_code == 404
    r = people["bob"].post(f"/api/v1/support/conversations/{cid}/messages", {"text": "x"})
    assert r.status_code == 404
    assert people["bob"].get("/api/v1/support/conversations").json() == []
    assert people["alice"].post(f"/api/v1/support/conversations/{cid}/accept").status_code == 403


def test_agents_see_queued_or_assigned_supervisors_all(people: dict[str, Any]) -> None:
    cid = _open(people)
    assert people["a2"].get(f"/api/v1/support/conversations/{cid}").status_code == 200  # queued
    people["a1"].post(f"/api/v1/support/conversations/{cid}/accept")
    assert people["a2"].get(f"/api/v1/support/conversations/{cid}").status_code == 404
    assert people["a1"].get(f"/api/v1/support/conversations/{cid}").json()["context"]["account"] is not None
    assert people["boss"].get(f"/api/v1/support/conversations/{cid}").status_code == 200
    assert [c["id"] for c in people["boss"].get("/api/v1/support/conversations").json()] == [cid]
    assert people["a2"].get("/api/v1/support/conversations").json() == []


def test_private_notes_never_reach_the_customer(people: dict[str, Any]) -> None:
    cid = _open(people)
    people["a1"].post(f"/api/v1/support/conversations/{cid}/accept")
    people["a1"].post(f"/api/v1/support/conversations/{cid}/messages", {"text": "VIP 客户", "private": True})
    assert "VIP 客户" not in str(people["alice"].get(f"/api/v1/support/conversations/{cid}/messages").json())
    assert people["alice"].post(f"/api/v1/support/conversations/{cid}/messages",
                                {"text": "x", "private": True}).status_code == 403


def test_picked_transaction_must_be_the_customers(people: dict[str, Any]) -> None:
    r = people["alice"].post("/api/v1/support/conversations",
                             {"topic": "payments", "message": "hi", "transaction_id": "tx_not_mine"})
    assert r.status_code == 422 and r.json()["code"] == "unknown_transaction"
    assert not Conversation.objects.exists()


def _png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buf, "PNG")
    return buf.getvalue()


def test_images_are_checked_by_their_bytes(people: dict[str, Any]) -> None:
    cid = _open(people)
    client = people["alice"].client
    headers = people["alice"]._headers(None)
    fake = io.BytesIO(b"<script>alert(1)</script>")
    fake.name = "x.png"
    r = client.post(f"/api/v1/support/conversations/{cid}/attachments", {"file": fake}, headers=headers)
    assert r.status_code == 422 and r.json()["code"] == "invalid_attachment"
    good = io.BytesIO(_png())
    good.name = "shot.jpg"
    r = client.post(f"/api/v1/support/conversations/{cid}/attachments", {"file": good}, headers=headers)
    assert r.status_code == 201, r.content
    url = r.json()["attachment_url"]
    client.force_login(people["alice_user"])
    got = client.get(url)
    assert got.status_code == 200 and got["Content-Type"] == "image/png"
    assert got["X-Content-Type-Options"] == "nosniff"
    client.logout()
    assert client.get(url).status_code == 404


def test_rating_after_resolution(people: dict[str, Any]) -> None:
    cid = _open(people)
    people["a1"].post(f"/api/v1/support/conversations/{cid}/accept")
    assert people["a1"].post(f"/api/v1/support/conversations/{cid}/resolve").json()["status"] == "resolved"
    assert people["alice"].post(f"/api/v1/support/conversations/{cid}/rating",
                                {"rating": 6}).json()["code"] == "invalid_rating"
    r = people["alice"].post(f"/api/v1/support/conversations/{cid}/rating", {"rating": 5, "comment": "好"})
    assert r.json()["rating"] == 5
    assert conversations.TOPICS  # topics are the contract's list
