"""Where people land after signing in: staff at the agent console, customers at their wallet."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from walletdesk.conftest import PASSWORD, fresh_totp


@pytest.mark.parametrize(("role", "landing"), [
    ("customer", "/wallet/"), ("agent", "/support/console/"), ("senior_agent", "/support/console/"),
    ("supervisor", "/support/console/"), ("admin", "/support/console/"),
])
def test_sign_in_lands_by_role(make_customer: Any, role: str, landing: str) -> None:
    from walletdesk.accounts.services import mfa
    from walletdesk.core import clock

    user = make_customer(f"{role}@example.com", role=role)
    client = Client()
    response = client.post("/login/", {"username": user.email, "password": PASSWORD})
    if role != "customer":  # staff: the authenticator code first (ADR 0100)
        secret = mfa.enroll_now(user)
        response = client.post("/login/", {"username": user.email, "password": PASSWORD})
        assert response["Location"] == "/account/login/verify/"
        response = client.post("/account/login/verify/",
                               {"code": fresh_totp(secret, clock.now().timestamp())})
    assert response.status_code == 302 and response["Location"] == landing
    assert client.get("/")["Location"] == landing


def test_a_safe_next_still_wins(make_customer: Any) -> None:
    from walletdesk.accounts.services import mfa
    from walletdesk.core import clock

    user = make_customer("next@example.com", role="agent")
    secret = mfa.enroll_now(user)
    client = Client()
    response = client.post("/login/", {"username": user.email, "password": PASSWORD,
                                       "next": "/help/"})
    assert response["Location"] == "/account/login/verify/?next=%2Fhelp%2F"
    response = client.post("/account/login/verify/?next=%2Fhelp%2F",
                           {"code": fresh_totp(secret, clock.now().timestamp())})
    assert response["Location"] == "/help/"


def test_pages_name_an_icon(db: Any) -> None:
    html = Client().get("/login/").content.decode()
    assert 'rel="icon"' in html and "favicon.svg" in html
