"""Support's messages through the one renderer: the guest code and the transcript in the
customer's language with the phrase header."""

from __future__ import annotations

from typing import Any

import pytest

from walletdesk.accounts.tests.fixtures import _commit_now, messages_to  # noqa: F401
from walletdesk.notify.tests.wording import LANGUAGES, assert_reads_well
from walletdesk.support import notices

pytestmark = [pytest.mark.django_db]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_code_and_transcript_in_each_language(make_customer: Any, lang: str) -> None:
    user = make_customer(f"sp-{lang}@example.com", phone=f"+852934567{LANGUAGES.index(lang)}",
                         language=lang, time_zone="Europe/London", anti_phishing_phrase="owl 7")
    notices.send("support_code", user.phone, user, code="551234", minutes=10,
                 reference="CS-20260701-000002")
    notices.send("support_transcript", user.email, user, reference="CS-20260701-000002",
                 transcript="2026-07-01 10:00 (UTC+1) Li: hello")
    [sms] = messages_to(user.phone)
    [email] = messages_to(user.email)
    assert "551234" in sms["body"] and "CS-20260701-000002" in email["subject"] + email["body"]
    assert "Li: hello" in email["body"]
    for text in (sms["body"], email["subject"] + "\n" + email["body"]):
        assert_reads_well(text, lang)
        assert "owl 7" in text
