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


def _through_the_middleware(request: Any) -> dict[str, Any]:
    """What a view sees of the messages, and whether the storage was made for it."""
    from django.http import HttpResponse
    from django.utils.functional import empty

    from walletdesk.web.middleware import LazyMessageMiddleware

    seen: dict[str, Any] = {}

    def view(req: Any) -> HttpResponse:
        seen.update(any=bool(req._messages), count=len(req._messages),
                    listed=list(req._messages))
        seen["made"] = req._messages._wrapped is not empty
        return HttpResponse()

    seen["response"] = LazyMessageMiddleware(view)(request)
    return seen


def test_asking_for_messages_without_the_cookie_makes_no_storage(rf: Any) -> None:
    from walletdesk.accounts.sessions import SessionStore

    request = rf.get("/wallet/")
    request.session = SessionStore()
    seen = _through_the_middleware(request)
    assert seen["any"] is False and seen["count"] == 0 and seen["listed"] == []
    assert not seen["made"] and not seen["response"].cookies
    # The cookie (even one that does not decode): Django's storage reads it, as before.
    request = rf.get("/wallet/", headers={"cookie": "messages=stale"})
    request.session = SessionStore()
    seen = _through_the_middleware(request)
    assert seen["made"] and seen["listed"] == []


def test_a_storage_that_keeps_messages_in_the_session_is_always_asked(rf: Any) -> None:
    from django.test import override_settings

    from walletdesk.accounts.sessions import SessionStore

    request = rf.get("/wallet/")
    request.session = SessionStore()
    with override_settings(
            MESSAGE_STORAGE="django.contrib.messages.storage.session.SessionStorage"):
        seen = _through_the_middleware(request)
    assert seen["made"] and seen["any"] is False
