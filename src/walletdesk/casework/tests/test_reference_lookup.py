"""An agent finds a transaction by the reference the customer reads out, within that
customer's transactions; a misheard digit or another customer's reference finds nothing and
records nothing. The panel names each transaction in words with the other side."""

from __future__ import annotations

from typing import Any

import pytest

from walletdesk.casework.models import AgentAction

pytestmark = pytest.mark.security


def test_the_reference_read_out_finds_the_transaction(make_case: Any, fund: Any) -> None:
    case = make_case("agent")
    txn = fund(case.customer, 4_200)
    spoken = txn.reference_grouped  # "0123 4567 8901 2345", as the customer reads it
    r = case.act("trace_transaction", transaction_id=spoken)
    assert r.status_code == 201, r.json()
    assert r.json()["status"] == "done"
    assert r.json()["result"]["transaction"]["id"] == txn.public_id
    # The internal id still works (the back office and the panel's pick button use it).
    assert case.act("trace_transaction", transaction_id=txn.public_id).status_code == 201


def test_a_misheard_digit_or_another_customers_reference_finds_nothing(
        make_case: Any, make_customer: Any, fund: Any) -> None:
    case = make_case("agent")
    fund(case.customer, 4_200)
    other = fund(make_customer(), 5_000)
    mine = case.customer.transactions.get().reference
    wrong = mine[:5] + str((int(mine[5]) + 1) % 10) + mine[6:]
    before = AgentAction.objects.count()
    for text in (wrong, other.reference, other.reference_grouped):
        r = case.act("trace_transaction", transaction_id=text)
        assert r.status_code == 403, r.json()
        assert r.json()["code"] == "object_not_in_conversation"
    assert AgentAction.objects.count() == before


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_the_panel_lists_transactions_with_the_other_side_and_reference(
        make_case: Any, fund: Any, merchant: Any, lang: str) -> None:
    from walletdesk.wallet import services as wallet

    case = make_case("agent")
    fund(case.customer, 50_000)
    paid = wallet.pay(case.customer, merchant=merchant, amount=1_250, currency="CNY",
                      method="balance")
    api = case.agent_api
    r = api.client.get(f"/api/v1/support/conversations/{case.conv.pk}/casework",
                       headers={**api._headers(None), "accept-language": lang})
    assert r.status_code == 200, r.json()
    row = next(t for t in r.json()["transactions"] if t["id"] == paid.public_id)
    assert row["reference"] == paid.reference and row["direction"] == "out"
    assert (row["counterparty"], row["counterparty_en"]) == ("示例咖啡", "Sample Coffee")
    assert row["type_label"] == {"zh-hans": "付款", "en": "Payment"}[lang]
    topup = next(t for t in r.json()["transactions"] if t["type"] == "topup")
    assert topup["direction"] == "in" and "6222" not in topup["counterparty"]
