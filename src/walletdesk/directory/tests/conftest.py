from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _clear_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def demo_directory(db: Any) -> None:
    from walletdesk.directory import demo

    demo.seed()


@pytest.fixture
def demo_agents(db: Any) -> list[dict[str, Any]]:
    from walletdesk.support import demo

    return demo.seed()
