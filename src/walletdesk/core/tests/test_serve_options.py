"""`walletdesk serve` leaves X-Forwarded-For to accounts.netutil (trusted proxies only) and
bounds slow clients (issue 15, finding 13)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.security]


def test_uvicorn_does_not_believe_forwarded_headers(monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn  # the module `serve` calls

    seen: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: seen.update(kw))
    call_command("serve", "--no-collectstatic", "--no-smtp", "--no-worker")
    assert seen["proxy_headers"] is False
    assert seen["http"] == "walletdesk.core.httpserver:DeadlineHttpProtocol"
    assert seen["timeout_keep_alive"] <= 5
