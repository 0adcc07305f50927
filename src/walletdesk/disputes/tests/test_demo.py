"""The demo's refund requests: a fresh demo shows one waiting for the merchant and one the
merchant declined (which its customer may bring to support), and running it again adds none."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.test import Client

from walletdesk.accounts.models import User
from walletdesk.disputes.models import RefundRequest


def test_seed_demo_shows_an_open_and_a_declined_request(db: Any) -> None:
    call_command("seed_demo", "--quiet")
    open_, declined = (RefundRequest.objects.get(customer__email=e)
                       for e in ("zhang.wei@example.cn", "alice@example.com"))
    assert (open_.status, open_.amount, open_.merchant.slug) == ("open", 2_800, "sample-coffee")
    assert open_.respond_by > open_.created_at
    assert (declined.status, declined.amount, declined.currency) == ("declined", 2_000, "HKD")
    assert declined.decline_reason and declined.events.count() == 2

    c = Client(headers={"Accept-Language": "en"})
    c.force_login(User.objects.get(email="alice@example.com"))
    page = c.get(f"/refunds/{declined.public_id}/").content.decode()
    assert "Declined" in page or "declined" in page
    assert "HK$20.00" in page and 'data-testid="rr-escalate"' in page  # bring it to support

    call_command("seed_demo", "--quiet")  # every `make run`
    assert RefundRequest.objects.count() == 2
