"""Policies are edited in the admin; bad values are refused and change nothing."""

from __future__ import annotations

from typing import Any

import pytest

from walletdesk.accounts.models import User
from walletdesk.servicelevels.models import Policy


@pytest.fixture
def admin_client(client: Any, db: Any) -> Any:
    client.force_login(User.objects.create_superuser("root@walletdesk.example", "pw-admin-123456"))
    return client


def form(**values: Any) -> dict[str, Any]:
    base = {"priority": 10, "first_response_minutes": 60, "resolution_minutes": 1440, "warn_percent": 80}
    return base | values


def test_admin_edits_a_policy(admin_client: Any) -> None:
    policy = Policy.objects.get(priority=10)
    r = admin_client.post(f"/admin/servicelevels/policy/{policy.pk}/change/", form(first_response_minutes=45))
    assert r.status_code == 302
    policy.refresh_from_db()
    assert policy.first_response_minutes == 45


@pytest.mark.parametrize("bad", [{"first_response_minutes": 0}, {"resolution_minutes": 30},
                                 {"warn_percent": 100}, {"priority": 15}])
def test_admin_refuses_bad_policies(admin_client: Any, bad: dict[str, Any]) -> None:
    policy = Policy.objects.get(priority=10)
    r = admin_client.post(f"/admin/servicelevels/policy/{policy.pk}/change/", form(**bad))
    assert r.status_code == 200 and b"errornote" in r.content
    policy.refresh_from_db()
    assert (policy.first_response_minutes, policy.resolution_minutes, policy.warn_percent) == (60, 1440, 80)
