"""API bodies: JSON endpoints refuse `text/plain` and other non-JSON types sent without a
credential (415, typed); parse errors name no parser internals; text that is not valid
Unicode is a 400, not a 500 (issue 15, finding 13)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from walletdesk.accounts.models import SecurityEvent, User

pytestmark = [pytest.mark.django_db, pytest.mark.security]
RIGHT = "correct horse battery staple 9"


@pytest.mark.parametrize("ctype", ["text/plain", "application/x-www-form-urlencoded",
                                   "text/plain; charset=utf-8"])
def test_json_sent_as_another_type_is_refused(customer: Any, ctype: str) -> None:
    body = json.dumps({"login": customer.email, "password": RIGHT})
    r = Client(headers={"Accept-Language": "en"}).post("/api/v1/auth/login", body,
                                                        content_type=ctype)
    assert r.status_code == 415
    assert r.json() == {"code": "unsupported_media_type", "message":
                        "Send the request body as JSON (Content-Type: application/json)."}
    assert "sessionid" not in r.cookies and not SecurityEvent.objects.filter(kind="login").exists()


def test_sign_up_sent_as_text_plain_creates_nothing(db: Any) -> None:
    body = json.dumps({"login": "new@example.com", "password": "violet otter juggles 42"})
    r = Client().post("/api/v1/auth/register", body, content_type="text/plain")
    assert r.status_code == 415 and not User.objects.exists()


@pytest.mark.parametrize("body", ["[1", '{"login": ' + "[" * 5000 + "]" * 5000 + "}",
                                  '{"login": "a@b.c", "password": "\\ud800"}'])
def test_parse_errors_name_no_internals(settings: Any, customer: Any, body: str) -> None:
    settings.DEBUG = True  # even then
    r = Client(headers={"Accept-Language": "en"}).post("/api/v1/auth/login", body,
                                                        content_type="application/json")
    assert r.status_code == 400
    data = r.json()
    assert data["code"] == "invalid_json"
    for word in ("Expecting", "recursion", "codec", "line 1", "surrogate", "Traceback"):
        assert word not in data["message"]


def test_a_lone_surrogate_in_a_login_is_not_a_server_error(customer: Any) -> None:
    r = Client().post("/api/v1/auth/login", '{"login": "\\ud800", "password": "x"}',
                      content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "invalid_json"
