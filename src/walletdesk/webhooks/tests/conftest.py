from __future__ import annotations

import itertools
import socket
from typing import Any

import pytest

from walletdesk.accounts.models import User
from walletdesk.accounts.services import issue_token
from walletdesk.conftest import ApiClient
from walletdesk.support import services as support_services
from walletdesk.support.models import Agent

_n = itertools.count(9100)


@pytest.fixture
def make_agent(db: Any) -> Any:
    def make(role: str = "agent") -> Agent:
        n = next(_n)
        user = User.objects.create_user(f"hook-agent{n}@walletdesk.example", "pw-agent-123456",
                                        role=role, display_name=f"Agent {n}")
        return support_services.save_agent(Agent(user=user, display_name=f"坐席{n}",
                                                 employee_id=f"WD{n}", skills=["general"],
                                                 languages=["zh-hans"]))

    return make


@pytest.fixture
def api_as() -> Any:
    def make(user: User) -> ApiClient:
        return ApiClient(issue_token(user))

    return make


@pytest.fixture
def closed_port() -> int:
    """A local port with nothing listening: connections are refused."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
