from __future__ import annotations

from typing import Any

import pytest

from walletdesk.directory import demo as directory_demo
from walletdesk.directory.models import Channel
from walletdesk.support.tests.conftest import make_agent, open_chat  # noqa: F401


@pytest.fixture
def hotline(db: Any) -> Channel:
    """The demo directory; CN customer hotline: every day 08:00-22:00 Shanghai time."""
    directory_demo.seed()
    return Channel.objects.get(region__code="CN", kind="phone", normalized="+864008201024")
