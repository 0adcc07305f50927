"""Errors have no side effects: a refusal's own record is written by one explicit call."""

from __future__ import annotations

from typing import Any

import pytest

from walletdesk.core.errors import NotFound
from walletdesk.risk.errors import HeldForReview
from walletdesk.risk.models import RiskCounter, RiskDecision
from walletdesk.wallet import refusals
from walletdesk.wallet.errors import UnknownRecipient

pytestmark = [pytest.mark.money, pytest.mark.security]


def test_as_dict_writes_nothing_and_record_writes_once(customer: Any) -> None:
    error = UnknownRecipient()
    error.miss = (customer, "CNY")
    assert error.as_dict()["code"] == "unknown_recipient"
    assert not RiskCounter.objects.filter(user=customer).exists()

    refusals.record(error)
    refusals.record(error)  # the idempotency layer and the API's handler may both call it
    assert RiskCounter.objects.get(user=customer, currency="CNY").misses == 1


def test_other_errors_and_refusals_without_a_decision_record_nothing(customer: Any) -> None:
    refusals.record(NotFound())
    refusals.record(HeldForReview())  # raised outside a transaction: already written
    assert not RiskCounter.objects.exists() and not RiskDecision.objects.exists()
