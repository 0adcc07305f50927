"""The one renderer (notify.messages) through the notify app's own kinds: each reader gets
subject, body and the phrase header in their language, times in their zone."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from django.core import mail

from walletdesk.accounts.tests.fixtures import messages_to, run_jobs
from walletdesk.notify import messages
from walletdesk.notify import services as notify
from walletdesk.notify.models import Notification

from .wording import LANGUAGES, assert_reads_well

pytestmark = [pytest.mark.django_db]

ZONES = {"zh-hans": ("Asia/Shanghai", "2026-07-01 10:30 (UTC+8)"),
         "zh-hant": ("Europe/London", "2026-07-01 03:30 (UTC+1)"),
         "en": ("America/New_York", "2026-06-30 22:30 (UTC-4)")}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_security_alert_in_each_language_and_zone(make_customer: Any, lang: str) -> None:
    zone, local = ZONES[lang]
    user = make_customer(f"{lang}@example.com", phone=f"+852912345{LANGUAGES.index(lang)}",
                         language=lang, time_zone=zone, anti_phishing_phrase="green kettle")
    notify.tell_owner(user, "new_device", device="Pixel 8", place="Shanghai",
                      when=datetime(2026, 7, 1, 2, 30, tzinfo=UTC))
    [email] = messages_to(user.email)
    [sms] = messages_to(user.phone)
    note = Notification.objects.get(user=user)
    for text in (email["subject"] + "\n" + email["body"], sms["body"]):
        assert_reads_well(text, lang)
        assert local in text and "green kettle" in text
    assert email["body"].index("green kettle") < email["body"].index("Pixel 8")
    assert_reads_well(note.title + note.body, lang, header=False)
    assert local in note.body and "green kettle" not in note.body  # the app needs no header


@pytest.mark.parametrize("lang", LANGUAGES)
def test_an_amount_is_money_not_minor_units(make_customer: Any, lang: str) -> None:
    user = make_customer(language=lang, anti_phishing_phrase="green kettle")
    notify.tell_owner(user, "risk_hold", amount="¥1,234.50")
    run_jobs()
    [sent] = mail.outbox
    assert "¥1,234.50" in sent.body
    assert_reads_well(sent.subject + "\n" + sent.body, lang, minor=(123450,))


def test_the_renderer_gives_subject_text_header_and_escapes_only_html() -> None:
    reader = messages.Recipient("en", "Asia/Hong_Kong", "tea & <cake>")
    msg = messages.render("notify/new_device", reader, {
        "device": "<b>phone</b>", "place": "HK", "when": datetime(2026, 1, 1, tzinfo=UTC)})
    assert msg.subject == "New login to walletdesk: was this you?"
    assert "<b>phone</b>" in msg.text and "2026-01-01 08:00 (UTC+8)" in msg.text
    assert msg.phrase_line == "[walletdesk · your anti-phishing phrase: tea & <cake>]"
    assert msg.html == ""  # this email has no HTML part
    assert msg.body_for("sms").startswith(msg.phrase_line + " There was a new login")
    with pytest.raises(ValueError):
        messages.render("../notify/new_device", reader, {})


@pytest.mark.parametrize(("merchant", "reads"), [
    ("Sample Coffee", "我们已将您向 Sample Coffee 申请退款 ¥28.00 的请求"),
    ("示例咖啡", "我们已将您向示例咖啡申请退款 ¥28.00 的请求")])
def test_a_latin_name_in_chinese_text_gets_its_spaces(merchant: str, reads: str) -> None:
    """Chinese messages write a name slot without spaces; a Latin name gets them (core.cjkspace),
    a Chinese one none. English is as written."""
    values = {"asked": "¥28.00", "merchant": merchant, "payment": "1234 5678 9012 3456",
              "when": datetime(2026, 7, 1, tzinfo=UTC)}
    msg = messages.render("disputes/asked", messages.Recipient("zh-hans", "Asia/Shanghai"), values)
    assert reads in msg.text
    english = messages.render("disputes/asked", messages.Recipient("en", "Asia/Shanghai"), values)
    assert f"back from {merchant} (payment" in english.text
