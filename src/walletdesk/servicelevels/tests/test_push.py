"""Warnings and breaches reach every agent console over the real ASGI application, never the
customer's socket."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async

from walletdesk.accounts.services import issue_token
from walletdesk.asgi import application
from walletdesk.core import clock
from walletdesk.directory import demo as directory_demo
from walletdesk.servicelevels import services
from walletdesk.support.services import conversations
from walletdesk.support.tests.wscomm import WebsocketCommunicator

pytestmark = pytest.mark.django_db(transaction=True)
HK = ZoneInfo("Asia/Hong_Kong")


def _bearer(token: str) -> list[tuple[bytes, bytes]]:
    """A native client: the token in the handshake (``?token=`` is refused)."""
    return [(b"authorization", f"Bearer {token}".encode())]


async def _until_sla(comm: WebsocketCommunicator, kind: str) -> dict[str, Any]:
    while True:
        frame = await comm.receive_json_from(timeout=5)
        if frame.get("type") == "sla" and frame.get("kind") == kind:
            return frame


async def _run(data: dict[str, Any]) -> None:
    agent = WebsocketCommunicator(application, "/ws/agent/", headers=_bearer(data["atoken"]))
    customer = WebsocketCommunicator(
        application, f"/ws/support/conversations/{data['conv'].pk}/", headers=_bearer(data["ctoken"]))
    assert (await agent.connect())[0] and (await customer.connect())[0]
    await database_sync_to_async(services.check)(data["breach_at"])
    warning = await _until_sla(agent, "warning")
    breach = await _until_sla(agent, "breach")
    assert warning["reference"] == breach["reference"] == data["conv"].reference
    assert breach["target"] == "first_response" and breach["at"] == data["breach_at"].isoformat()
    while not await customer.receive_nothing(timeout=0.5):
        assert (await customer.receive_json_from()).get("type") != "sla"
    await agent.disconnect()
    await customer.disconnect()


def test_breach_is_pushed_to_consoles_only(make_agent: Any, make_customer: Any) -> None:
    directory_demo.seed()
    opened_at = datetime(2026, 12, 4, 17, 30, tzinfo=HK).astimezone(UTC)
    with clock.frozen(opened_at):
        customer = make_customer(region="HK")
        conv = conversations.open_conversation(customer, topic="payments", message="钱没到账",
                                               use_triage=False).conversation
    agent = make_agent(["payments"])
    async_to_sync(_run)({"conv": conv, "atoken": issue_token(agent.user), "ctoken": issue_token(customer),
                         "breach_at": datetime(2026, 12, 5, 9, 30, tzinfo=HK).astimezone(UTC)})
