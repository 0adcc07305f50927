"""Factories for troubleshooter tests: accounts in each lock state, transactions in each
status (made through the real services), fee policies and promotions."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from walletdesk.accounts.tests.fixtures import _commit_now  # noqa: F401
from walletdesk.core import clock
from walletdesk.wallet.models import FeePolicy
from walletdesk.wallet.services import cards


@pytest.fixture(autouse=True)
def _fresh_rate_limits(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    from walletdesk.directory import ratelimit

    monkeypatch.setattr(ratelimit, "PREFIX", f"test-rl:{uuid.uuid4().hex}")
    yield


FEES = [
    # operation, method, bps, fixed, minimum, maximum
    ("topup", "bank_card", 0, 0, 0, None),
    ("topup", "credit_card", 100, 0, 100, None),
    ("payment", "balance", 0, 0, 0, None),
    ("payment", "bank_card", 0, 0, 0, None),
    ("payment", "credit_card", 60, 0, 10, None),
    ("transfer", "balance", 0, 0, 0, None),
    ("withdrawal", "bank_card", 10, 0, 10, 2500),
]


@pytest.fixture
def fee_schedule(db: Any) -> None:
    start = clock.now() - timedelta(days=30)
    for op, method, bps, fixed, minimum, maximum in FEES:
        FeePolicy.objects.create(operation=op, method=method, currency="CNY", basis_points=bps,
                                 fixed=fixed, minimum=minimum, maximum=maximum,
                                 effective_from=start)


@pytest.fixture
def cards_for(db: Any) -> Any:
    def link(user: Any, bank: str = "6222021234567890128", credit: str = "") -> Any:
        cards.link_card(user, kind="bank_card", number=bank)
        if credit:
            cards.link_card(user, kind="credit_card", number=credit)
        return user

    return link


@pytest.fixture(autouse=True)
def _frozen_clock() -> Iterator[None]:
    """Time stands still unless a test moves it, so deadlines compare exactly."""
    with clock.frozen(clock.now().replace(microsecond=0)):
        yield


def card_ending(last4: str, prefix: str = "622202") -> str:
    """A Luhn-valid 16-digit card number ending in ``last4`` (the simulator's test cards)."""
    from walletdesk.wallet.services.cards import luhn_ok

    for middle in range(1_000_000):
        number = f"{prefix}{middle:06d}{last4}"
        if luhn_ok(number):
            return number
    raise AssertionError("no Luhn-valid number")
