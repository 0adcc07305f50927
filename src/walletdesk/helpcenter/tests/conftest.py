from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from walletdesk.helpcenter import search

HERE = Path(__file__).resolve().parent


def load_queries(name: str) -> list[dict[str, str]]:
    rows = [json.loads(line) for line in (HERE / name).read_text("utf-8").splitlines() if line]
    return [r for r in rows if "q" in r]


@pytest.fixture(autouse=True)
def _fresh_index() -> Iterator[None]:
    search.invalidate()
    yield
    search.invalidate()


@pytest.fixture
def help_content(db: Any) -> None:
    from walletdesk.helpcenter import demo

    demo.seed()
