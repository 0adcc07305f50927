"""The new-chat form's transaction picker names each transaction as the history list does."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.django_db


def _options(client: Any, user: Any, language: str) -> list[str]:
    import re

    client.force_login(user)
    page = client.get("/support/new/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    picker = page[page.index('data-testid="transaction"'):page.index("</select>",
                                                                    page.index('data-testid="transaction"'))]
    return re.findall(r"<option value=\"tx[^\"]*\"[^>]*>([^<]*)</option>", picker)


def test_transfers_and_top_ups_do_not_look_alike(client: Any, make_customer: Any,
                                                 fund: Any) -> None:
    from walletdesk.wallet import services as wallet

    alice = make_customer(language="en", display_name="Alice", time_zone="Asia/Shanghai")
    bob = make_customer(language="zh-hans", display_name="Bob", time_zone="Asia/Shanghai")
    fund(alice, 50_000)
    wallet.transfer(alice, to=bob.email, amount=300, currency="CNY")
    top_up, transfer = reversed(_options(client, alice, "en"))
    assert transfer.startswith("Bob · Transfer · −¥3.00 · ") and "Completed" not in transfer
    assert "•••• 0128" in top_up and "Top-up · +¥500.00" in top_up
    [received, _bobs_none] = [*_options(client, bob, "zh-hans"), None][:2]
    assert received.startswith("Alice · 转账 · +¥3.00 · ")


def test_a_failed_top_up_says_so_without_a_sign(client: Any, make_customer: Any) -> None:
    from walletdesk.wallet import services as wallet
    from walletdesk.wallet.services import cards

    user = make_customer(language="en")
    cards.link_card(user, kind="bank_card", number="6222021234567890128")
    txn = wallet.top_up(user, amount=5_000, currency="CNY", method="bank_card")
    wallet.on_network_result(txn.public_id, "failed", "insufficient_funds_at_issuer")
    [option] = _options(client, user, "en")
    assert " · ¥50.00 · " in option and option.endswith(" · Failed")
    assert "+¥" not in option and "−¥" not in option
