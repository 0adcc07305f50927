"""Inbound support mail through the real listener: smtplib talks SMTP to aiosmtpd on a free port."""

from __future__ import annotations

import io
from email import policy
from email.message import EmailMessage as Mime
from typing import Any

import pytest
from PIL import Image

from walletdesk.mailroom.models import EmailMessage, EmailThread
from walletdesk.support.models import Conversation, Message

from .conftest import AUTHSERV, SUPPORT, mail, send

pytestmark = pytest.mark.django_db(transaction=True)


def only_conversation() -> Conversation:
    convs = list(Conversation.objects.all())
    assert len(convs) == 1
    return convs[0]


def texts(conv: Conversation) -> list[str]:
    return list(Message.objects.filter(conversation=conv, kind=Message.Kind.TEXT)
                .order_by("seq").values_list("text", flat=True))


def test_mail_to_support_becomes_an_email_conversation(listener: int) -> None:
    code, text = send(listener, mail())
    conv = only_conversation()
    assert (code, text) == (250, f"2.0.0 Received as {conv.reference}")
    assert conv.channel == "email" and conv.status == "queued"
    assert conv.customer is None and conv.guest_contact == "wang.fang@example.net"
    assert conv.language == "zh-hans"
    assert conv.context["account"] is None and conv.context["email"]["sender_verified"] is False
    assert texts(conv) == ["我的转账没有到账\n\n你好，我昨天的转账还没有到账，请帮忙看看。"]
    thread = EmailThread.objects.get(conversation=conv)
    assert (thread.address, thread.subject, thread.display_name) == (
        "wang.fang@example.net", "我的转账没有到账", "Wang Fang")
    stored = EmailMessage.objects.get(direction="in")
    assert stored.status == "stored" and stored.thread == thread and stored.support_message is not None
    ack = EmailMessage.objects.get(direction="out")
    assert ack.kind == "ack" and ack.in_reply_to == stored.message_id and ack.status == "queued"


def test_reply_with_the_reference_in_the_subject_threads(listener: int) -> None:
    send(listener, mail())
    conv = only_conversation()
    code, _text = send(listener, mail(f"Re: 我的转账没有到账 [{conv.reference}]",
                                      "补充：金额是 200 元。\n\n> 你好，我昨天的转账还没有到账"))
    assert code == 250
    assert only_conversation().pk == conv.pk
    assert texts(conv)[-1] == "补充：金额是 200 元。"  # the quoted history is not repeated
    assert EmailMessage.objects.filter(direction="in", thread__conversation=conv).count() == 2


def test_reply_with_only_in_reply_to_threads(listener: int) -> None:
    send(listener, mail())
    conv = only_conversation()
    ack = EmailMessage.objects.get(direction="out", kind="ack")
    code, _text = send(listener, mail("a reply whose subject lost the number", "still waiting",
                                      in_reply_to=f"<{ack.message_id}>"))
    assert code == 250 and only_conversation().pk == conv.pk
    assert texts(conv)[-1] == "still waiting"


def test_references_to_the_customers_own_first_mail_thread(listener: int) -> None:
    first = mail(message_id="<first-1@example.net>")
    send(listener, first)
    conv = only_conversation()
    send(listener, mail("follow up", "one more thing", references="<other@x.net> <first-1@example.net>"))
    assert only_conversation().pk == conv.pk


def test_the_reference_from_another_sender_opens_its_own_conversation(listener: int) -> None:
    send(listener, mail())
    conv = only_conversation()
    send(listener, mail(f"Re: [{conv.reference}]", "let me in", sender="mallory@evil.example"),
         mail_from="mallory@evil.example")
    assert Conversation.objects.count() == 2
    assert len(texts(conv)) == 1  # nothing was written into the first one


def test_reply_to_a_resolved_conversation_opens_a_follow_up(listener: int, make_agent: Any) -> None:
    from walletdesk.support.services import conversations

    send(listener, mail())
    conv = only_conversation()
    agent = make_agent()
    conversations.accept(agent, conv)
    conversations.resolve(agent, conv)
    send(listener, mail(f"Re: [{conv.reference}]", "it happened again"))
    newer = Conversation.objects.exclude(pk=conv.pk).get()
    assert newer.channel == "email" and conv.reference in newer.description


@pytest.mark.parametrize(("headers", "reason"), [
    ({"Auto-Submitted": "auto-replied"}, "auto_submitted"),
    ({"Auto-Submitted": "auto-generated"}, "auto_submitted"),
    ({"Precedence": "bulk"}, "precedence"),
    ({"Precedence": "auto_reply"}, "precedence"),
    ({"Precedence": "list"}, "precedence"),
    ({"X-Autoreply": "yes"}, "autoreply_header"),
    ({"List-Id": "<news.example.net>"}, "mailing_list"),
])
def test_automatic_mail_is_accepted_and_not_answered(listener: int, headers: dict[str, str],
                                                       reason: str) -> None:
    code, text = send(listener, mail("Out of office", "I am away until Monday.", headers=headers))
    assert code == 250 and "not answered" in text
    assert not Conversation.objects.exists()
    ignored = EmailMessage.objects.get()
    assert (ignored.status, ignored.reason, ignored.body_text) == ("ignored", reason, "")
    assert not EmailMessage.objects.filter(direction="out").exists()  # no acknowledgement


def test_null_sender_bounce_is_ignored(listener: int) -> None:
    code, _text = send(listener, mail("Undelivered Mail Returned to Sender", "bounce"), mail_from="")
    assert code == 250
    assert not Conversation.objects.exists()
    assert EmailMessage.objects.get().reason == "null_sender"


def test_our_own_mail_coming_back_is_ignored(listener: int) -> None:
    looped = mail("Re: 我的转账没有到账 [CS-20261125-000001]", "forwarded back",
                  message_id="<wd.0123456789abcdef01234567@walletdesk.example>")
    assert send(listener, looped)[0] == 250
    assert send(listener, mail(sender=f"walletdesk support <{SUPPORT}>"), mail_from=SUPPORT)[0] == 250
    assert not Conversation.objects.exists()
    assert sorted(EmailMessage.objects.values_list("reason", flat=True)) == ["own_mail", "own_mail"]


def test_staff_mail_from_our_own_domain_is_not_mistaken_for_ours(listener: int) -> None:
    staff = mail(sender="Chen Jing <chen.jing@walletdesk.example>",
                 message_id="<CAF=abc123@walletdesk.example>")
    assert send(listener, staff, mail_from="chen.jing@walletdesk.example")[0] == 250
    assert only_conversation().guest_contact == "chen.jing@walletdesk.example"


def test_a_sender_over_its_hourly_budget_is_a_loop(listener: int) -> None:
    for n in range(5):  # the test limit is 5 an hour
        send(listener, mail(f"question {n}", "hello"))
    code, _text = send(listener, mail("question 6", "hello"))
    assert code == 250
    assert Conversation.objects.count() == 5
    assert EmailMessage.objects.filter(status="ignored", reason="rate").count() == 1


def test_the_same_message_id_twice_is_stored_once(listener: int) -> None:
    one = mail(message_id="<same@example.net>")
    assert send(listener, one)[0] == 250
    assert send(listener, one) == (250, "2.0.0 Already received")
    assert Conversation.objects.count() == 1 and EmailMessage.objects.filter(direction="in").count() == 1


def test_oversize_mail_is_refused_with_552_and_nothing_stored(listener: int) -> None:
    import smtplib

    big = mail("big", ("x" * 70 + "\n") * 3600)  # the test limit is 200,000 bytes
    assert send(listener, big)[0] == 552  # counted while reading DATA
    with smtplib.SMTP("127.0.0.1", listener, timeout=30) as client, \
            pytest.raises(smtplib.SMTPSenderRefused) as refused:  # announced with SIZE=
        client.sendmail("wang.fang@example.net", [SUPPORT], big.as_bytes(policy=policy.SMTP))
    assert refused.value.smtp_code == 552
    assert not Conversation.objects.exists() and not EmailMessage.objects.exists()


@pytest.mark.parametrize(("raw", "code", "words"), [
    (b"To: support@walletdesk.example\r\nSubject: hi\r\n\r\nno sender\r\n", 550, b"no From header"),
    (b"From: a@example.net, b@example.net\r\nSubject: hi\r\n\r\ntwo senders\r\n", 550, b"exactly one"),
    (b"From: not-an-address\r\nSubject: hi\r\n\r\nbad\r\n", 550, b"exactly one"),
    (b"From: a@example.net\r\nSubject: hi\r\nthis line is no header\r\n\r\nbody\r\n", 554,
     b"MissingHeaderBodySeparatorDefect"),
    (b"From: a@example.net\r\nContent-Type: multipart/mixed\r\n\r\nno boundary\r\n", 554,
     b"NoBoundaryInMultipartDefect"),
    (b"From: a@example.net\r\n\r\n\r\n", 554, b"no subject, text or attachment"),
])
def test_malformed_mail_is_refused_with_a_clear_reason(listener: int, raw: bytes, code: int,
                                                         words: bytes) -> None:
    got_code, text = send(listener, raw, mail_from="a@example.net")
    assert got_code == code and words.decode() in text
    assert not Conversation.objects.exists() and not EmailMessage.objects.exists()


def test_other_recipients_are_refused(listener: int) -> None:
    code, text = send(listener, mail(to="sales@walletdesk.example"), rcpt="sales@walletdesk.example")
    assert code == 550 and SUPPORT in text
    assert not Conversation.objects.exists()


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def test_images_are_kept_and_other_attachments_listed(listener: int) -> None:
    msg = mail("截图", "见附件")
    msg.add_attachment(_png(), maintype="image", subtype="png", filename="screen.png")
    msg.add_attachment(b"%PDF-1.4 fake", maintype="application", subtype="pdf", filename="statement.pdf")
    msg.add_attachment(b"MZ not an image", maintype="image", subtype="png", filename="trick.png")
    assert send(listener, msg)[0] == 250
    conv = only_conversation()
    images = Message.objects.filter(conversation=conv, kind=Message.Kind.IMAGE)
    assert [m.attachment.content_type for m in images] == ["image/png"]
    stored = EmailMessage.objects.get(direction="in")
    assert [d["filename"] for d in stored.dropped_attachments] == ["statement.pdf", "trick.png"]
    # The agent reads what was not kept in the customer's message itself.
    assert texts(conv) == [
        "截图\n\n见附件\n\n[未保留的附件（只保留 5 MB 以内的图片）：statement.pdf, trick.png]"]


def test_html_only_mail_is_read_as_text(listener: int) -> None:
    msg = Mime()
    msg["From"], msg["To"], msg["Subject"] = "li@example.net", SUPPORT, "html"
    msg["Message-ID"] = "<html-1@example.net>"
    msg.set_content("<html><style>p{color:red}</style><body><p>Hello <b>there</b></p>"
                    "<script>alert(1)</script><p>Second</p></body></html>", subtype="html")
    send(listener, msg, mail_from="li@example.net")
    assert texts(only_conversation()) == ["html\n\nHello there\n\nSecond"]


def _verified(make_customer: Any, **extra: Any) -> Any:
    from walletdesk.core import clock

    return make_customer("wang.fang@example.net", verified_at=clock.now(), **extra)


def test_a_vouched_for_verified_address_joins_the_account(listener: int, make_customer: Any) -> None:
    user = _verified(make_customer, language="en")
    authres = f"{AUTHSERV}; spf=pass smtp.mailfrom=example.net; dmarc=pass header.from=example.net"
    send(listener, mail("Transfer missing", "Where is my money?",
                        headers={"Authentication-Results": authres}))
    conv = only_conversation()
    assert conv.customer == user and conv.guest_contact == ""
    assert conv.context["account"] is not None and conv.context["email"]["sender_verified"] is True
    assert conv.language == "en"


@pytest.mark.security
@pytest.mark.parametrize("authres", [
    "",  # nobody vouched
    "mx.attacker.example; dmarc=pass header.from=example.net",  # written by someone else
    f"{AUTHSERV}; dmarc=fail header.from=example.net",
    f"{AUTHSERV}; dmarc=pass header.from=other.example",  # another domain passed
])
def test_a_spoofable_from_never_sees_the_account(listener: int, make_customer: Any, authres: str) -> None:
    _verified(make_customer)
    headers = {"Authentication-Results": authres} if authres else {}
    send(listener, mail("unlock my account", "please unlock it and change my phone", headers=headers))
    conv = only_conversation()
    assert conv.customer is None and conv.guest_contact == "wang.fang@example.net"
    assert conv.context["account"] is None and conv.context["recent_transactions"] == []


@pytest.mark.security
def test_an_unvouched_mail_does_not_thread_into_an_account_conversation(listener: int,
                                                                        make_customer: Any) -> None:
    _verified(make_customer)
    authres = f"{AUTHSERV}; dmarc=pass header.from=example.net"
    send(listener, mail(headers={"Authentication-Results": authres}))
    conv = only_conversation()
    send(listener, mail(f"Re: [{conv.reference}]", "spoofed follow-up"))
    assert Conversation.objects.count() == 2 and len(texts(conv)) == 1


@pytest.mark.security
def test_secrets_in_a_mail_are_masked_in_the_message_and_the_mail_record(listener: int) -> None:
    send(listener, mail("help", "我的密码是 Hunter2hunter2，验证码 482913，请帮我登录"))
    conv = only_conversation()
    stored = EmailMessage.objects.get(direction="in")
    for text in (texts(conv)[0], stored.body_text):
        assert "Hunter2hunter2" not in text and "482913" not in text


def test_deploy_checks_warn_about_an_unvouched_production_setup(settings: Any) -> None:
    from walletdesk.mailroom.checks import mail_settings

    settings.PRODUCTION = True
    settings.MAILROOM = {**settings.MAILROOM, "TRUSTED_AUTHSERV_ID": "", "LISTEN": "0.0.0.0:25"}
    assert [w.id for w in mail_settings(None)] == ["walletdesk.mailroom.W001", "walletdesk.mailroom.W002"]
    settings.MAILROOM = {**settings.MAILROOM, "TRUSTED_AUTHSERV_ID": AUTHSERV, "LISTEN": "10.0.0.12:x"}
    assert [w.id for w in mail_settings(None)] == ["walletdesk.mailroom.E001"]
    settings.MAILROOM = {**settings.MAILROOM, "LISTEN": "127.0.0.1:2525"}
    assert mail_settings(None) == []
