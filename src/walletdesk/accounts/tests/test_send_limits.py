"""Requests that make us send a message are limited per address and per IP, before the
address is looked up: the same 429 for an address on file and one that is not
(issue 15, finding 11: "someone tried to sign up with your address" could bomb a phone)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from walletdesk.accounts.models import User
from walletdesk.notify.models import Delivery

from .fixtures import STRONG, messages_to, post

pytestmark = [pytest.mark.django_db, pytest.mark.security]


def sign_up(login: str | None, ip: str = "198.51.100.5") -> Any:
    return post(Client(REMOTE_ADDR=ip), "/api/v1/auth/register",
                {"login": login, "password": STRONG})


@pytest.mark.usefixtures("still_clock")
def test_sign_up_messages_to_one_address_are_limited_the_same_for_everyone(
        customer: User) -> None:
    known = [sign_up(customer.email, ip=f"198.51.100.{i}") for i in range(7)]
    unknown = [sign_up("nobody-here@example.com", ip=f"203.0.113.{i}") for i in range(7)]
    for a, b in zip(known, unknown, strict=True):
        assert a.status_code == b.status_code
        body_a, body_b = a.json(), b.json()
        # The wait is whole minutes to the window's end; a request may straddle a minute.
        assert abs(body_a.pop("retry_after", 0) - body_b.pop("retry_after", 0)) <= 60
        assert body_a == body_b
    assert [r.status_code for r in known] == [202] * 5 + [429] * 2
    refused = known[-1].json()
    assert refused["code"] == "too_many_requests" and "Retry-After" in known[-1]
    messages_to(customer.email)
    assert Delivery.objects.filter(to=customer.email, kind="signup_exists").count() == 5


@pytest.mark.usefixtures("still_clock")
def test_one_ip_cannot_ask_for_messages_to_many_addresses(db: object) -> None:
    codes = [post(Client(REMOTE_ADDR="198.51.100.9"), "/api/v1/auth/password-reset",
                  {"login": f"+86138001380{i:02d}"}).status_code for i in range(31)]
    assert codes[:30] == [202] * 30 and codes[30] == 429
    # Another network is not affected.
    assert post(Client(REMOTE_ADDR="198.51.100.10"), "/api/v1/auth/unlock",
                {"login": "+8613800138000"}).status_code == 202


def test_every_message_has_a_silent_cap_per_address(customer: User, settings: object) -> None:
    from walletdesk.notify import services as notify

    for _ in range(25):
        notify.send_to("account_unlocked", str(customer.email), user=customer)
    messages_to(customer.email)
    assert Delivery.objects.filter(to=customer.email).count() == 20
