"""Who a transaction was with is one rule (``present.party_of``): the history's rows (built
from plain columns by ``txn_table``), the receipt (``present.party``) and the monthly
statement name the same merchant, person or card, for money in and money out."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

import pytest
from django.utils import translation

from walletdesk.core import reads
from walletdesk.wallet import present, queries, services
from walletdesk.wallet.models import Transaction
from walletdesk.wallet.templatetags.txn_table import txn_table

pytestmark = pytest.mark.money


def _titles(user: Any) -> dict[str, str]:
    """Each of the user's recent rows' title as the history table shows it ("" when the row
    has none: the type names it), by the transaction's public id."""
    rows = reads.one(queries.recent_read(user, 20))
    html = str(txn_table([(r, queries.direction_for(r, user)) for r in rows]))
    out = {}
    for tr in re.findall(r"<tr data-testid=\"txn-row\".*?</tr>", html, re.S):
        public_id = re.search(r'href="/wallet/t/([^/"]+)/"', tr)
        title = re.search(r'<a class="row-link"[^>]*>([^<]*)</a>', tr)
        assert public_id and title, tr
        shown = unescape(title.group(1)).replace("\xa0", " ")
        out[public_id.group(1)] = "" if "txn-untitled" in tr else shown
    return out


@pytest.mark.parametrize("lang", ["en", "zh-hans"])
def test_the_table_the_receipt_and_the_statement_name_the_same_party(
        lang: str, customer: Any, make_customer: Any, merchant: Any, fund: Any) -> None:
    bob = make_customer("bob@example.com", display_name="Bob Li")
    fund(customer, 100_000)  # a card top-up: named by its card
    fund(bob, 50_000)
    services.transfer(customer, to=bob.email, amount=1_000, currency="CNY")  # sent: the recipient
    services.transfer(bob, to=customer.email, amount=500, currency="CNY")  # received: the sender
    services.pay(customer, merchant=merchant, amount=300, currency="CNY", method="balance")
    with translation.override(lang):
        titles = _titles(customer)
        txns = list(queries.transactions_of(customer))
        assert len(txns) == len(titles) == 4
        expected = {"payment": str(merchant)}
        for txn in txns:
            direction = queries.direction_for(txn, customer)
            said = present.party(txn, direction)
            assert titles[txn.public_id] == said, (txn.type, direction)
            if txn.type == Transaction.Type.TRANSFER:  # sent to Bob, and received from him
                assert said == "Bob Li", direction
            elif txn.type == Transaction.Type.TOPUP:
                assert said.endswith("•••• 0128"), said  # the card it came from
            else:
                assert said == expected[txn.type]
        now = txns[0].created_at
        statement = queries.monthly_statement(customer, "CNY", now.year, now.month, tz="UTC")
        rows, _in, _out = present.statement_rows(statement)
        assert {r.transaction.public_id: r.who for r in rows} == {
            t.public_id: present.party(t, queries.direction_for(t, customer)) for t in txns}


def test_the_rule_gives_the_side_and_its_id(customer: Any, make_customer: Any,
                                           merchant: Any) -> None:
    """The decision, not the name: the attribute that names the party and its id."""
    bob = make_customer()
    paid = Transaction(merchant_id=merchant.pk, customer_id=customer.pk, payment_method_id=7)
    assert present.party_of(paid, -1) == ("merchant", merchant.pk)
    sent = Transaction(customer_id=customer.pk, counterparty_id=bob.pk)
    assert present.party_of(sent, -1) == ("counterparty", bob.pk)
    assert present.party_of(sent, 1) == ("customer", customer.pk)  # as the recipient sees it
    assert present.party_of(Transaction(customer_id=customer.pk, payment_method_id=7), 1) == (
        "payment_method", 7)
    assert present.party_of(Transaction(customer_id=customer.pk), 1) is None
    assert present.party(Transaction(customer_id=customer.pk), 1) == ""
