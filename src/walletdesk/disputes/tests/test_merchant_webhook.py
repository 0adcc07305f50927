"""The merchant's own refund-request webhook, from its page: the address is checked as every
webhook's is, the signing secret is shown once, it can be renewed, tested and removed, each
change is in the owner's security log in words, and a refused address changes nothing."""

from __future__ import annotations

from typing import Any

import pytest

from walletdesk.accounts.models import SecurityEvent
from walletdesk.disputes.models import MerchantTerms
from walletdesk.webhooks.models import Delivery, Endpoint

from .test_pages import login, no_codes

pytestmark = pytest.mark.security


@pytest.fixture
def owner(merchant: Any, make_customer: Any) -> Any:
    user = make_customer("owner@example.com", role="merchant")
    type(merchant).objects.filter(pk=merchant.pk).update(user=user)
    return user


def _page(client: Any, lang: str = "en") -> str:
    return client.get("/refunds/merchant/", HTTP_ACCEPT_LANGUAGE=lang).content.decode()


def test_set_show_once_rotate_test_and_remove(owner: Any, merchant: Any) -> None:
    client = login(owner)
    for lang, words in (("en", "Send new requests to your system"), ("zh-hans", "新的退款申请"),
                        ("zh-hant", "新的退款申請")):
        html = _page(client, lang)
        assert words in html and 'data-testid="rr-webhook-test"' not in html
        no_codes(html)

    r = client.post("/refunds/merchant/webhook/", {"action": "save",
                                                   "url": "http://127.0.0.1:9/refunds"})
    assert r.status_code == 302 and r["Location"].endswith("/refunds/merchant/#webhook")
    endpoint = MerchantTerms.objects.get(merchant=merchant).webhook
    assert endpoint is not None and endpoint.event_types == ["refund_request.created"]
    first = client.get("/refunds/merchant/")
    assert first["Cache-Control"] == "no-store" and endpoint.secret in first.content.decode()
    again = _page(client)
    assert endpoint.secret not in again and endpoint.secret[:6] + "…" in again  # shown once

    client.post("/refunds/merchant/webhook/", {"action": "save", "url": "http://127.0.0.1:9/v2"})
    endpoint.refresh_from_db()
    assert endpoint.url == "http://127.0.0.1:9/v2" and endpoint.secret not in _page(client)

    old = endpoint.secret
    client.post("/refunds/merchant/webhook/", {"action": "rotate"})
    endpoint.refresh_from_db()
    assert endpoint.secret != old and endpoint.secret in _page(client)

    client.post("/refunds/merchant/webhook/", {"action": "test"}, HTTP_ACCEPT_LANGUAGE="en")
    assert Delivery.objects.filter(endpoint=endpoint).count() == 1
    assert "is on its way" in _page(client)

    client.post("/refunds/merchant/webhook/", {"action": "remove"})
    assert not Endpoint.objects.filter(pk=endpoint.pk).exists()
    assert MerchantTerms.objects.get(merchant=merchant).webhook is None

    kinds = list(SecurityEvent.objects.filter(user=owner).order_by("pk")
                 .values_list("kind", flat=True))
    assert kinds == ["merchant_webhook_set", "merchant_webhook_set",
                     "merchant_webhook_secret_rotated", "merchant_webhook_removed"]
    assert all("whsec_" not in str(e.data) for e in SecurityEvent.objects.filter(user=owner))
    activity = login(owner).get("/security/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Refund request webhook secret renewed" in activity and ">merchant_webhook" not in activity


@pytest.mark.parametrize("url", ["ftp://127.0.0.1/x", "not a url", "", "https://" + "a" * 600])
def test_a_refused_address_changes_nothing(owner: Any, merchant: Any, url: str) -> None:
    client = login(owner)
    client.post("/refunds/merchant/webhook/", {"action": "save", "url": url})
    assert not Endpoint.objects.exists() and not SecurityEvent.objects.filter(user=owner).exists()
    html = _page(client)
    assert 'class="msg error"' in html
    no_codes(html)


def test_actions_without_a_webhook_are_refused_in_words(owner: Any) -> None:
    client = login(owner)
    for action in ("rotate", "test", "remove"):
        client.post("/refunds/merchant/webhook/", {"action": action}, HTTP_ACCEPT_LANGUAGE="en")
        assert "No webhook address is set" in _page(client)
    assert not SecurityEvent.objects.filter(user=owner).exists()


def test_only_the_merchants_own_user(paid: Any, owner: Any) -> None:
    customer = paid().customer
    r = login(customer).post("/refunds/merchant/webhook/", {"action": "save",
                                                            "url": "http://127.0.0.1:9/x"})
    assert r.status_code in (302, 404) and not Endpoint.objects.exists()
    assert login(owner).post("/refunds/merchant/webhook/", {"action": "other"}).status_code == 404
