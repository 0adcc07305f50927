"""Casework's messages through the one renderer: the refund answer and the unlock code in
the customer's language, with the phrase header, as money and never as minor units."""

from __future__ import annotations

from typing import Any

import pytest

from walletdesk.accounts.tests.fixtures import messages_to
from walletdesk.casework import notices
from walletdesk.notify.models import Notification
from walletdesk.notify.tests.wording import LANGUAGES, assert_reads_well

pytestmark = [pytest.mark.django_db]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_refund_granted_and_unlock_code_in_each_language(make_customer: Any, lang: str) -> None:
    user = make_customer(f"cw-{lang}@example.com", phone=f"+852923456{LANGUAGES.index(lang)}",
                         language=lang, time_zone="Asia/Hong_Kong", anti_phishing_phrase="red kite")
    notices.tell_owner(user, "refund_granted", reference="CS-20260701-000001",
                       merchant="Sample Coffee", payment="T123", amount="¥1,234.50")
    notices.send("support_unlock", user.phone, user, code="482913", minutes=10,
                 reference="CS-20260701-000001")
    [email] = messages_to(user.email)
    sms = messages_to(user.phone)
    assert len(sms) == 2 and any("482913" in m["body"] for m in sms)
    for text in [email["subject"] + "\n" + email["body"]] + [m["body"] for m in sms]:
        assert_reads_well(text, lang, minor=(123450,))
        assert "red kite" in text
    note = Notification.objects.get(user=user)
    assert "¥1,234.50" in note.body and "Sample Coffee" in note.body
    assert_reads_well(note.title + note.body, lang, header=False, minor=(123450,))
