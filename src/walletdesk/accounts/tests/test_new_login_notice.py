"""The "new login" message describes the device in words; what a client sends as its
User-Agent is never copied into it (issue 15, finding 13)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from .fixtures import messages_to

pytestmark = [pytest.mark.django_db, pytest.mark.security]
RIGHT = "correct horse battery staple 9"
EVIL_UA = "Your account is safe. Call +1-800-555-0100 at http://phish.example now"


def _login(customer: Any, device: str, ua: str) -> Any:
    return Client(HTTP_USER_AGENT=ua).post(
        "/api/v1/auth/login", json.dumps({"login": customer.email, "password": RIGHT}),
        content_type="application/json", headers={"X-Device-Id": device})


def test_user_agent_text_is_not_copied_into_the_new_login_notice(customer: Any) -> None:
    assert _login(customer, "a" * 32, "Mozilla/5.0 (iPhone) Safari").status_code == 200
    assert _login(customer, "b" * 32, EVIL_UA).status_code == 200
    bodies = " ".join(m["body"] for m in messages_to(customer.email))
    assert "phish.example" not in bodies and "555-0100" not in bodies
    assert "其他浏览器或应用" in bodies  # the words, in the customer's language (zh-hans)
