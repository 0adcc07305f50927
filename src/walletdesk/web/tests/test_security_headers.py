"""The CSP lets pages connect to this host only (websockets included), and personal answers
are never stored by a cache (issue 15, finding 13)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from walletdesk.accounts.services import issue_token

pytestmark = [pytest.mark.django_db, pytest.mark.security]


def _directives(response: Any) -> dict[str, list[str]]:
    out = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, *values = part.split()
        out[name] = values
    return out


def test_connect_src_is_this_host_only() -> None:
    r = Client().get("/login/")
    connect = _directives(r)["connect-src"]
    assert connect == ["'self'", "ws://testserver"]
    r = Client().get("/login/", secure=True)
    assert _directives(r)["connect-src"] == ["'self'", "wss://testserver"]


def test_balances_pages_and_tokens_are_no_store(customer: Any) -> None:
    token = issue_token(customer)
    api = Client(headers={"Authorization": f"Bearer {token}"})
    balances = api.get("/api/v1/wallet")
    assert balances.status_code == 200 and balances["Cache-Control"] == "no-store"
    page = Client()
    page.force_login(customer)
    assert page.get("/wallet/")["Cache-Control"] == "no-store"
    login = Client().post("/api/v1/auth/login", json.dumps(
        {"login": customer.email, "password": "correct horse battery staple 9"}),
        content_type="application/json")
    assert login.status_code == 200 and login["Cache-Control"] == "no-store"


def test_public_pages_may_be_cached() -> None:
    assert "no-store" not in Client().get("/login/").get("Cache-Control", "")
