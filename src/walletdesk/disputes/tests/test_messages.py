"""A refund request's notices through the one renderer: the customer hears in their language,
the deadline in their time zone, the amount as money."""

from __future__ import annotations

from typing import Any

import pytest

from walletdesk.accounts.tests.fixtures import _commit_now, messages_to  # noqa: F401
from walletdesk.disputes.models import RefundRequest
from walletdesk.notify.localtime import format_local
from walletdesk.notify.models import Notification
from walletdesk.notify.tests.wording import LANGUAGES, assert_reads_well

pytestmark = pytest.mark.money

ZONES = {"zh-hans": "Asia/Shanghai", "zh-hant": "America/Vancouver", "en": "Europe/Berlin"}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_customer_hears_in_their_language_and_zone(paid: Any, lang: str) -> None:
    p = paid(language=lang, time_zone=ZONES[lang], anti_phishing_phrase="lime 3")
    r = p.api.post(f"/api/v1/wallet/transactions/{p.payment.public_id}/refund-requests",
                   {"reason": "not_received", "amount": 1_550})
    assert r.status_code == 201, r.json()
    req = RefundRequest.objects.get()
    deadline = format_local(req.respond_by, ZONES[lang])
    [email] = messages_to(p.customer.email)
    assert "¥15.50" in email["body"] and deadline in email["body"]
    assert_reads_well(email["subject"] + "\n" + email["body"], lang, minor=(1550, 8000))
    note = Notification.objects.get(user=p.customer, kind="refund")
    assert deadline in note.body and "¥15.50" in note.body
    assert_reads_well(note.title + note.body, lang, header=False, minor=(1550, 8000))


@pytest.mark.parametrize(("lang", "shop_name"), [("zh-hans", "示例咖啡"), ("en", "Sample Coffee"),
                                                 ("zh-hant", "示例咖啡")])
def test_both_sides_read_the_merchants_name_and_the_payment_reference_in_their_language(
        paid: Any, merchant: Any, make_customer: Any, lang: str, shop_name: str) -> None:
    """One rule names the merchant (``Merchant.__str__`` in the reader's language), and the
    payment is the reference its customer reads out, not the internal id."""
    owner = make_customer(role="merchant", language=lang)
    merchant.user = owner
    merchant.save(update_fields=["user"])
    p = paid(language=lang)
    r = p.api.post(f"/api/v1/wallet/transactions/{p.payment.public_id}/refund-requests",
                   {"reason": "not_received", "amount": 1_550})
    assert r.status_code == 201, r.json()
    [to_customer] = messages_to(p.customer.email)
    [to_merchant] = messages_to(owner.email)
    assert shop_name in to_customer["body"]
    assert p.payment.reference_grouped in to_merchant["body"]
    for mail in (to_customer, to_merchant):
        assert p.payment.public_id not in mail["body"] and "tx_" not in mail["body"]
    other = "Sample Coffee" if lang != "en" else "示例咖啡"
    assert other not in to_customer["body"]
