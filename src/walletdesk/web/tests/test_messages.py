"""Flash messages with the storage made on first use (web.middleware.LazyMessageMiddleware)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

CARD = {"kind": "bank_card", "card_number": "6222021234567890128"}


def _signed_in(customer: Any) -> Client:
    client = Client(headers={"accept-language": "en"})
    client.force_login(customer)
    return client


def test_a_flash_message_survives_the_redirect_and_shows_once(customer: Any) -> None:
    client = _signed_in(customer)
    linked = client.post("/wallet/cards/", CARD)
    assert linked.status_code == 302
    assert linked.cookies["messages"].value  # kept with the redirect
    assert "Card linked" in client.get("/wallet/").content.decode()
    assert "Card linked" not in client.get("/wallet/").content.decode()  # read: gone


def test_requests_that_never_touch_a_message_leave_the_queued_ones_alone(customer: Any) -> None:
    client = _signed_in(customer)
    client.post("/wallet/cards/", CARD)
    # An API read (the same session) and the health check neither read nor clear the queued
    # message, nor set any cookie.
    for path in ("/api/v1/wallet", "/healthz"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "messages" not in response.cookies, path
    assert "Card linked" in client.get("/wallet/").content.decode()
