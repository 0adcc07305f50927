from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _fresh_rate_limits(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Each test counts in its own key space (never flush a Redis shared with others)."""
    from walletdesk.directory import ratelimit

    monkeypatch.setattr(ratelimit, "PREFIX", f"test-rl:{uuid.uuid4().hex}")
    yield


@pytest.fixture
def demo_directory(db: Any) -> None:
    from walletdesk.directory import demo

    demo.seed()


@pytest.fixture
def demo_agents(db: Any) -> list[dict[str, Any]]:
    from walletdesk.support import demo

    return demo.seed()
