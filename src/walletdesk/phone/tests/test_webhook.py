"""A real provider's status events: signed, fresh, for a known call; anything else changes nothing."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from walletdesk.core import clock
from walletdesk.directory.models import Channel
from walletdesk.phone import services, webhook
from walletdesk.phone.models import Call

SH = ZoneInfo("Asia/Shanghai")
SLOT = datetime(2026, 12, 3, 14, 30, tzinfo=SH).astimezone(UTC)
SECRET = "provider-shared-secret-for-tests"
pytestmark = pytest.mark.security


@pytest.fixture
def call(hotline: Channel, make_customer: Any, make_agent: Any, settings: Any,
         django_capture_on_commit_callbacks: Any) -> Call:
    settings.PHONE = {**settings.PHONE, "WEBHOOK_SECRET": SECRET}
    with clock.frozen(SLOT - timedelta(hours=1)):
        cb = services.book(make_customer(region="CN"), line_id=hotline.pk, slot=SLOT.isoformat(),
                           number="13800138000", topic="payments", message="请回电")
    with clock.frozen(SLOT), django_capture_on_commit_callbacks(execute=True):
        placed, _code = services.start_call(make_agent(["payments"]), cb)
    return placed


def post(body: dict[str, Any], *, key: str = SECRET, at: datetime = SLOT, sig: str | None = None) -> Any:
    raw = json.dumps(body).encode()
    ts = str(int(at.timestamp()))
    signed = sig if sig is not None else webhook.signature(key, ts, raw)
    with clock.frozen(SLOT):
        return Client().post("/api/v1/phone/provider/events", raw, content_type="application/json",
                             headers={"X-Telephony-Timestamp": ts,
                                      "X-Telephony-Signature": signed})


def test_a_signed_event_moves_the_call(call: Call) -> None:
    r = post({"call_id": call.provider_call_id, "status": "answered"})
    assert r.status_code == 200 and r.json() == {"changed": True}
    call.refresh_from_db()
    assert call.status == Call.Status.ANSWERED and call.answered_at == SLOT


@pytest.mark.parametrize("how", ["wrong key", "tampered", "old", "future", "no signature"])
def test_bad_signatures_and_replays_change_nothing(call: Call, how: str) -> None:
    body = {"call_id": call.provider_call_id, "status": "answered"}
    if how == "wrong key":
        r = post(body, key="someone-else")
    elif how == "tampered":
        r = post(body, sig=webhook.signature(SECRET, str(int(SLOT.timestamp())), b'{"status": "failed"}'))
    elif how == "old":
        r = post(body, at=SLOT - timedelta(minutes=6))
    elif how == "future":
        r = post(body, at=SLOT + timedelta(minutes=6))
    else:
        r = post(body, sig="")
    assert r.status_code == 401 and r.json()["code"] == "bad_signature"
    call.refresh_from_db()
    assert call.status == Call.Status.PLACING and not call.events.exists()


def test_unknown_calls_and_statuses_and_no_secret(call: Call, settings: Any) -> None:
    assert post({"call_id": "nobody", "status": "answered"}).status_code == 404
    bad = post({"call_id": call.provider_call_id, "status": "exploded"})
    assert bad.json()["code"] == "unknown_call_status"
    settings.PHONE = {**settings.PHONE, "WEBHOOK_SECRET": ""}
    assert post({"call_id": call.provider_call_id, "status": "answered"}, key="").status_code == 404
    call.refresh_from_db()
    assert call.status == Call.Status.PLACING
