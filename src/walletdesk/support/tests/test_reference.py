"""Conversation references carry the desk's local date (ADR 0117), not the UTC date: a chat
opened at 00:30 on 3 December in Shanghai is CS-20261203-…, though it is still 2 December in UTC."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from django.test import override_settings

from walletdesk.accounts.services import issue_token
from walletdesk.core import clock
from walletdesk.support.models import Conversation, ReferenceCounter

# 2026-12-02 16:30 UTC is 2026-12-03 00:30 in Asia/Shanghai (the default desk zone).
AFTER_LOCAL_MIDNIGHT = datetime(2026, 12, 2, 16, 30, tzinfo=UTC)


def _open(customer: Any) -> dict[str, Any]:
    from walletdesk.conftest import ApiClient

    r = ApiClient(issue_token(customer)).post(
        "/api/v1/support/conversations", {"channel": "chat", "topic": "general", "message": "你好"})
    assert r.status_code == 201, r.content
    return dict(r.json())


@pytest.mark.django_db
def test_reference_carries_the_desks_local_date(make_customer: Any) -> None:
    with clock.frozen(AFTER_LOCAL_MIDNIGHT):
        first, second = _open(make_customer()), _open(make_customer())
    assert first["reference"] == "CS-20261203-000001"
    assert second["reference"] == "CS-20261203-000002"
    assert not ReferenceCounter.objects.filter(day="20261202").exists()


@pytest.mark.django_db
def test_the_desk_zone_is_a_setting(make_customer: Any) -> None:
    with override_settings(DESK_TIME_ZONE="Europe/London"), clock.frozen(AFTER_LOCAL_MIDNIGHT):
        assert _open(make_customer())["reference"] == "CS-20261202-000001"


@pytest.mark.django_db
def test_references_stay_unique_and_stable_across_a_change_of_zone(make_customer: Any) -> None:
    """A desk that moves its zone keeps one counter per date: the date that both zones name
    goes on counting, so no reference is drawn twice, and stored references never change."""
    customer = make_customer()
    with override_settings(DESK_TIME_ZONE="UTC"), \
            clock.frozen(datetime(2026, 12, 3, 15, 0, tzinfo=UTC)):  # 3 Dec in UTC
        before = _open(customer)
    with clock.frozen(datetime(2026, 12, 2, 17, 0, tzinfo=UTC)):  # 3 Dec 01:00 in Shanghai
        after = _open(make_customer())
    assert before["reference"] == "CS-20261203-000001"
    assert after["reference"] == "CS-20261203-000002"
    clock.advance(days=3)
    assert Conversation.objects.get(pk=before["id"]).reference == "CS-20261203-000001"
    assert Conversation.objects.filter(reference__startswith="CS-20261203-").count() == 2


def test_an_unknown_desk_zone_stops_the_start_up() -> None:
    import os
    import subprocess
    import sys

    env = {**os.environ, "WALLETDESK_DESK_TIME_ZONE": "Mars/Olympus"}
    run = subprocess.run([sys.executable, "-c", "import django; from django.conf import settings; "
                          "settings.DESK_TIME_ZONE"], env={**env, "DJANGO_SETTINGS_MODULE":
                                                            "walletdesk.settings"},
                         capture_output=True, text=True, timeout=60)
    assert run.returncode != 0 and "WALLETDESK_DESK_TIME_ZONE" in run.stderr
