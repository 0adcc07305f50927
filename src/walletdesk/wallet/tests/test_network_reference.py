"""A network notification records the network's reference when the submitting
worker died before it could (the job that re-runs finds the operation settled)."""

from __future__ import annotations

from typing import Any

import pytest

from walletdesk.wallet import services
from walletdesk.wallet.services import cards

pytestmark = pytest.mark.money


def test_notification_records_a_missing_reference(customer: Any) -> None:
    cards.link_card(customer, kind="bank_card", number="6222021234567890128")
    txn = services.top_up(customer, amount=5_000, currency="CNY", method="bank_card")
    assert txn.network_ref == ""
    done = services.on_network_result(txn.public_id, "confirmed", "", "net_0123456789abcdef")
    assert done is not None
    done.refresh_from_db()
    assert (done.status, done.network_ref) == ("completed", "net_0123456789abcdef")
    # A repeated notification with another reference changes nothing.
    services.on_network_result(txn.public_id, "confirmed", "", "net_other")
    done.refresh_from_db()
    assert done.network_ref == "net_0123456789abcdef"
    assert customer.ledger_accounts.get(currency="CNY").balance == 5_000
