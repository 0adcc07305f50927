"""The hourly send limit of one-time codes holds under concurrent requests."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection

from walletdesk.accounts.models import OneTimeCode, User
from walletdesk.accounts.services import codes

pytestmark = [pytest.mark.security]


def test_limit_is_exact_one_at_a_time(db: Any) -> None:
    user = User.objects.create_user("limit@example.com", "x-long-password-1")
    sent = [codes.issue(user, "reset", "email") for _ in range(5)]
    assert sum(code is not None for code in sent) == 3
    assert OneTimeCode.objects.filter(user=user, purpose="reset").count() == 3


@pytest.mark.postgres
def test_limit_holds_with_concurrent_requests(transactional_db: Any) -> None:
    user = User.objects.create_user("race@example.com", "x-long-password-1")
    barrier = threading.Barrier(10)
    results: list[str | None] = []

    def send() -> None:
        try:
            barrier.wait()
            results.append(codes.issue(user, "reset", "email"))
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(code is not None for code in results) == 3
    assert OneTimeCode.objects.filter(user=user, purpose="reset").count() == 3
