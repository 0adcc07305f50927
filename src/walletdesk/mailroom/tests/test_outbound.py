"""Outbound support mail caught by a local SMTP sink: headers, language, phrase, retries."""

from __future__ import annotations

from typing import Any

import pytest

from walletdesk.core import clock
from walletdesk.core.models import Job
from walletdesk.core.services import jobs
from walletdesk.mailroom import services
from walletdesk.mailroom.models import EmailMessage
from walletdesk.support.models import Conversation
from walletdesk.support.services import chat, conversations

from .conftest import AUTHSERV, SUPPORT, mail


@pytest.fixture
def take(db: Any, mail_settings: Any, django_capture_on_commit_callbacks: Any) -> Any:
    """Receive one mail (as the listener does) and run its after-commit work."""

    def run(msg: Any, mail_from: str = "wang.fang@example.net") -> Conversation:
        with django_capture_on_commit_callbacks(execute=True):
            outcome = services.receive(msg.as_bytes(), mail_from)
        assert outcome.conversation is not None, outcome
        return outcome.conversation

    return run


@pytest.fixture
def run_jobs(django_capture_on_commit_callbacks: Any) -> Any:
    """What the worker loop does: due jobs, then the jobs they queued (a later sweep slot each
    time: on PostgreSQL the reply sweep, not the signal, finds agents' answers)."""

    def run(passes: int = 3) -> None:
        for _ in range(passes):
            clock.advance(seconds=5)
            with django_capture_on_commit_callbacks(execute=True):
                jobs.run_pending()

    return run


def agent_says(conv: Conversation, agent: Any, text: str, capture: Any, *, note: bool = False) -> None:
    with capture(execute=True):
        if conv.status == Conversation.Status.QUEUED:
            conversations.accept(agent, conv)
        chat.post(conv, agent.user, text, agent=agent, note=note)


def test_agent_reply_carries_threading_headers_phrase_and_language(
        take: Any, sink: Any, make_agent: Any, make_customer: Any, run_jobs: Any,
        django_capture_on_commit_callbacks: Any) -> None:
    make_customer("wang.fang@example.net", verified_at=clock.now(), language="en",
                  anti_phishing_phrase="blue teapot 42")
    auth = {"Authentication-Results": f"{AUTHSERV}; dmarc=pass header.from=example.net"}
    conv = take(mail("Transfer missing", "Where is my money?", message_id="<c1@example.net>",
                     headers=auth))
    conv = take(mail(f"Re: Transfer missing [{conv.reference}]", "Any news?", message_id="<c2@example.net>",
                     references="<c1@example.net>", headers=auth))
    run_jobs()
    assert len(sink.mails) == 1  # the acknowledgement
    agent = make_agent()
    agent_says(conv, agent, "We found it: it arrives today.", django_capture_on_commit_callbacks)
    run_jobs()
    ack, reply = sink.mails
    assert ack["Auto-Submitted"] == "auto-replied" and reply["Auto-Submitted"] is None
    assert ack["Subject"] == f"We have your message: Transfer missing [{conv.reference}]"
    assert reply["Subject"] == f"Re: Transfer missing [{conv.reference}]"
    assert reply["In-Reply-To"] == "<c2@example.net>"
    assert reply["References"] == "<c1@example.net> <c2@example.net>"
    row = EmailMessage.objects.get(direction="out", kind="reply")
    assert reply["Message-ID"] == f"<{row.message_id}>" and row.message_id.endswith("@walletdesk.example")
    assert row.status == "sent" and row.support_message is not None
    assert reply["To"] == "wang.fang@example.net" and SUPPORT in reply["From"]
    assert reply["Reply-To"] == SUPPORT and reply["X-Walletdesk-Reference"] == conv.reference
    assert sink.envelopes[1][1] == ["wang.fang@example.net"]
    text = reply.get_body(preferencelist=("plain",)).get_content()
    html = reply.get_body(preferencelist=("html",)).get_content()
    for body in (text, html):
        assert "your anti-phishing phrase: blue teapot 42" in body
        assert "We found it: it arrives today." in body
        assert agent.employee_id in body and "employee ID" in body
    assert text.index("blue teapot 42") < text.index("We found it")  # the phrase comes first


def test_guest_writing_chinese_gets_chinese_mail_without_a_phrase(
        take: Any, sink: Any, make_agent: Any, run_jobs: Any,
        django_capture_on_commit_callbacks: Any) -> None:
    conv = take(mail())
    agent_says(conv, make_agent(), "您好，我们正在核查。", django_capture_on_commit_callbacks)
    run_jobs()
    ack, reply = sink.mails
    assert ack["Subject"].strip() == f"我们已收到您的来信：我的转账没有到账 [{conv.reference}]"
    body = reply.get_body(preferencelist=("plain",)).get_content()
    assert "您好，我们正在核查。" in body and "工号" in body and "设置防钓鱼短语" in body
    assert reply["Content-Language"] == "zh-hans"


def test_html_part_escapes_what_the_agent_wrote(take: Any, sink: Any, make_agent: Any, run_jobs: Any,
                                                django_capture_on_commit_callbacks: Any) -> None:
    conv = take(mail())
    agent_says(conv, make_agent(), "<script>x</script> & <b>", django_capture_on_commit_callbacks)
    run_jobs()
    html = sink.mails[-1].get_body(preferencelist=("html",)).get_content()
    assert "<script>x" not in html and "&lt;script&gt;x&lt;/script&gt; &amp; &lt;b&gt;" in html


def test_notes_and_chat_conversations_send_no_mail(take: Any, sink: Any, make_agent: Any,
                                                   make_customer: Any, run_jobs: Any,
                                                   django_capture_on_commit_callbacks: Any) -> None:
    conv = take(mail())
    run_jobs()
    agent = make_agent()
    agent_says(conv, agent, "internal: check the ledger", django_capture_on_commit_callbacks, note=True)
    chat_conv = conversations.open_conversation(make_customer(), topic="general", message="hi",
                                                use_triage=False).conversation
    agent_says(chat_conv, agent, "hello in chat", django_capture_on_commit_callbacks)
    run_jobs()
    assert len(sink.mails) == 1  # only the acknowledgement
    assert not Job.objects.filter(name="mailroom.reply").exists()


def test_smtp_failure_is_retried_with_the_same_message_id(
        take: Any, mail_settings: Any, make_agent: Any, run_jobs: Any,
        django_capture_on_commit_callbacks: Any) -> None:
    from aiosmtpd.controller import Controller

    from .conftest import Sink

    conv = take(mail())
    agent_says(conv, make_agent(), "first answer", django_capture_on_commit_callbacks)
    run_jobs()  # nothing listens on EMAIL_PORT yet: both mails fail
    rows = EmailMessage.objects.filter(direction="out")
    assert sorted(rows.values_list("status", flat=True)) == ["failed", "failed"]
    assert all(r.attempts >= 1 and "ConnectionRefused" in r.last_error for r in rows)
    waiting = Job.objects.filter(name__startswith="mailroom.", status=Job.Status.QUEUED)
    assert waiting.count() == 2 and all(j.attempts >= 1 and "DeliveryFailed" in j.last_error
                                        for j in waiting)
    box = Sink()
    ctl = Controller(box, hostname="127.0.0.1", port=mail_settings.EMAIL_PORT)
    ctl.start()
    try:
        clock.advance(seconds=60)  # past the backoff
        run_jobs()
    finally:
        ctl.stop()
    assert sorted(rows.values_list("status", flat=True)) == ["sent", "sent"]
    sent_ids = sorted(m["Message-ID"] for m in box.mails)  # each mail once, with its first id
    assert sent_ids == sorted(f"<{r.message_id}>" for r in rows)
    assert not Job.objects.filter(name__in=["mailroom.reply", "mailroom.deliver"]).exclude(
        status=Job.Status.DONE).exists()


def test_a_reply_job_that_runs_twice_sends_one_row(take: Any, sink: Any, make_agent: Any, run_jobs: Any,
                                                    django_capture_on_commit_callbacks: Any) -> None:
    from walletdesk.mailroom import tasks

    conv = take(mail())
    agent_says(conv, make_agent(), "answer", django_capture_on_commit_callbacks)
    run_jobs()
    msg_pk = EmailMessage.objects.get(kind="reply").support_message_id
    tasks.reply(msg_pk)  # a worker that died after sending: the job runs again
    assert EmailMessage.objects.filter(kind="reply").count() == 1
    assert len(sink.mails) == 2  # ack + one reply; a sent row is not sent again


def test_the_sweep_sends_answers_no_signal_announced(take: Any, sink: Any, make_agent: Any, run_jobs: Any,
                                                     django_capture_on_commit_callbacks: Any) -> None:
    from django.db.models.signals import post_save

    from walletdesk.support.models import Message

    conv = take(mail())
    assert post_save.disconnect(sender=Message, dispatch_uid="mailroom.agent_reply")
    try:
        agent_says(conv, make_agent(), "answer found by the sweep", django_capture_on_commit_callbacks)
        assert not Job.objects.filter(name="mailroom.reply").exists()
        run_jobs()
    finally:
        from walletdesk.mailroom.signals import agent_reply

        post_save.connect(agent_reply, sender=Message, dispatch_uid="mailroom.agent_reply")
    assert Job.objects.filter(name="mailroom.reply").count() == 1
    assert "answer found by the sweep" in sink.mails[-1].get_body(preferencelist=("plain",)).get_content()


@pytest.mark.postgres
def test_on_postgresql_the_agents_answer_leaves_by_mail(take: Any, sink: Any, make_agent: Any,
                                                        run_jobs: Any,
                                                        django_capture_on_commit_callbacks: Any) -> None:
    """The chat's PostgreSQL path stores messages in one statement, without model signals."""
    conv = take(mail())
    agent_says(conv, make_agent(), "来自 PostgreSQL 的回复", django_capture_on_commit_callbacks)
    run_jobs()
    assert [m["X-Walletdesk-Reference"] for m in sink.mails] == [conv.reference, conv.reference]
    assert "来自 PostgreSQL 的回复" in sink.mails[-1].get_body(preferencelist=("plain",)).get_content()


def test_an_image_from_the_agent_is_attached(take: Any, sink: Any, make_agent: Any, run_jobs: Any,
                                             django_capture_on_commit_callbacks: Any) -> None:
    import io

    from PIL import Image

    conv = take(mail())
    agent = make_agent()
    out = io.BytesIO()
    Image.new("RGB", (20, 10), (0, 90, 200)).save(out, "PNG")
    with django_capture_on_commit_callbacks(execute=True):
        conversations.accept(agent, conv)
        posted = chat.post_image(conv, agent.user, out.getvalue(), agent=agent)
    run_jobs()
    reply = sink.mails[-1]
    files = list(reply.iter_attachments())
    assert [(f.get_content_type(), f.get_filename()) for f in files] == [
        ("image/png", f"{conv.reference}-{posted.message.seq}.png")]
    assert files[0].get_content() == out.getvalue()
    assert "客服给您发送了一张图片" in reply.get_body(preferencelist=("plain",)).get_content()


def test_development_outbox_keeps_a_copy_and_does_not_retry(take: Any, mail_settings: Any,
                                                             run_jobs: Any) -> None:
    from walletdesk.notify.models import OutboxMessage

    mail_settings.DEV_OUTBOX = True  # as `make run` sets; nothing listens on EMAIL_PORT
    conv = take(mail())
    run_jobs()
    copy = OutboxMessage.objects.get(to="wang.fang@example.net")
    assert conv.reference in copy.subject and conv.reference in copy.body
    assert EmailMessage.objects.get(direction="out").status == "failed"
    assert Job.objects.get(name="mailroom.deliver").status == Job.Status.DONE


def test_a_hong_kong_guest_is_answered_in_traditional_chinese(
        take: Any, sink: Any, make_agent: Any, run_jobs: Any,
        django_capture_on_commit_callbacks: Any) -> None:
    msg = mail("我的轉賬沒有到賬", "你好，我昨天的轉賬還沒有到賬。")
    msg["Content-Language"] = "zh-HK"  # after set_content, which drops Content-* headers
    conv = take(msg)
    assert conv.language == "zh-hant"  # kept as written, not folded into Simplified
    agent_says(conv, make_agent(languages=["yue"]), "您好，我們正在核查。",
               django_capture_on_commit_callbacks)
    run_jobs()
    ack, reply = sink.mails
    assert ack["Subject"].strip() == f"我們已收到您的來信：我的轉賬沒有到賬 [{conv.reference}]"
    assert ack["Content-Language"] == reply["Content-Language"] == "zh-hant"
    assert "職員編號" in reply.get_body(preferencelist=("plain",)).get_content()  # Hong Kong words
