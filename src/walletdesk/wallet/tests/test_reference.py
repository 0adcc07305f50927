"""A transaction's reference as the customer sees it: 16 digits in fours with a copy button on
its page, never the internal ``tx_…`` id; the digits carry a check digit."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from walletdesk.wallet import reference

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("lang,label", [("zh-hans", "交易编号"), ("en", "Reference"),
                                        ("zh-hant", "交易編號")])
def test_the_page_shows_the_reference_grouped_with_a_copy_button(customer: Any, fund: Any,
                                                                 lang: str, label: str) -> None:
    txn = fund(customer, 12_300)
    client = Client(headers={"accept-language": lang})
    client.force_login(customer)
    html = client.get(f"/wallet/t/{txn.public_id}/").content.decode()
    ref = reference.of(txn.public_id)
    assert re.fullmatch(r"\d{16}", ref)
    grouped = " ".join(ref[i:i + 4] for i in range(0, 16, 4))
    shown = re.search(r'data-testid="txn-reference">([^<]*)<', html)
    assert shown and shown.group(1) == grouped
    assert f'data-copy-text="{ref}"' in html and label in html
    # The internal id stays in links (the page's own address), never in the words.
    words = re.sub(r"<[^>]+>", " ", re.sub(r'"[^"]*"', '""', html))
    assert txn.public_id not in words and "tx_" not in words


def test_the_digits_name_the_id_and_a_misheard_digit_names_nothing() -> None:
    public_id = "tx_00112233445566778899"
    ref = reference.of(public_id)
    assert reference.tail_of(ref) == public_id[-12:]
    assert reference.tail_of(reference.grouped(ref)) == public_id[-12:]
    assert reference.tail_of(f"{ref[:4]}-{ref[4:8]}-{ref[8:12]}-{ref[12:]}") == public_id[-12:]
    for i in range(16):  # any one digit changed fails the check digit
        wrong = ref[:i] + str((int(ref[i]) + 1) % 10) + ref[i + 1:]
        assert reference.tail_of(wrong) is None, wrong
    assert reference.tail_of(ref[:15]) is None and reference.tail_of("tx_" + ref) is None
    # Two neighbouring digits swapped are caught too (Luhn), except 0 and 9.
    swapped = ref[:6] + ref[7] + ref[6] + ref[8:]
    assert ref[6] == ref[7] or {ref[6], ref[7]} == {"0", "9"} or reference.tail_of(swapped) is None


def test_the_api_gives_the_reference_with_each_transaction(api: Any, customer: Any,
                                                           make_customer: Any, fund: Any) -> None:
    """The app shows the same digits as the page: in the transfer's answer, the history (read
    as plain rows) and the detail."""
    bob = make_customer("bob@example.com")
    top_up = fund(customer, 50_000)
    r = api.post("/api/v1/wallet/transfers", {"to": bob.email, "amount": 1_000, "currency": "CNY"},
                 key="ref-1")
    assert r.status_code == 201, r.content
    sent = r.json()
    assert sent["reference"] == reference.of(sent["id"])
    items = api.get("/api/v1/wallet/transactions").json()["items"]
    assert {i["id"]: i["reference"] for i in items} == {
        sent["id"]: reference.of(sent["id"]), top_up.public_id: reference.of(top_up.public_id)}
    detail = api.get(f"/api/v1/wallet/transactions/{top_up.public_id}").json()
    assert detail["reference"] == reference.of(top_up.public_id)
