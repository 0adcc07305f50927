"""Fixtures of the refund-request tests: the casework factories, a paid merchant."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from walletdesk.accounts.services import issue_token
from walletdesk.casework.tests.conftest import make_case, make_staff  # noqa: F401
from walletdesk.conftest import ApiClient
from walletdesk.wallet import services as wallet
from walletdesk.wallet.tests.conftest import ledger_db  # noqa: F401


@dataclass
class Paid:
    customer: Any
    payment: Any
    api: ApiClient
    shop: ApiClient


@pytest.fixture
def paid(make_customer: Any, merchant: Any, fund: Any) -> Any:
    """A customer who paid the merchant (¥80.00) from their balance, with both API clients."""

    def make(amount: int = 8_000, **who: Any) -> Paid:
        customer = make_customer(**who)
        fund(customer, 20_000)
        payment = wallet.pay(customer, merchant=merchant, amount=amount, currency="CNY",
                             method="balance")
        return Paid(customer, payment, ApiClient(issue_token(customer)),
                    ApiClient(merchant.api_key))

    return make
