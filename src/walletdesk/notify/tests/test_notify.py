"""Notifications: language, anti-phishing phrase, after commit only, SMS failures, outbox."""

import pytest
from django.core import mail
from django.db import transaction
from django.test import Client, override_settings

from walletdesk.accounts.tests.fixtures import run_jobs
from walletdesk.core.models import Job
from walletdesk.notify import services
from walletdesk.notify.models import Delivery, OutboxMessage

pytestmark = [pytest.mark.django_db, pytest.mark.security]


def test_email_in_the_users_language_with_the_phrase(make_customer):
    zh = make_customer("zh@example.com", language="zh-hans", anti_phishing_phrase="青花瓷")
    en = make_customer("en@example.com", language="en", anti_phishing_phrase="blue teapot")
    services.send_to("account_unlocked", zh.email, user=zh)
    services.send_to("account_unlocked", en.email, user=en)
    run_jobs()
    by_to = {m.to[0]: m for m in mail.outbox}
    assert "青花瓷" in by_to["zh@example.com"].body
    assert "blue teapot" in by_to["en@example.com"].body
    assert "unlocked" in by_to["en@example.com"].body
    assert "unlocked" not in by_to["zh@example.com"].body  # translated


def test_sms_goes_through_the_provider_with_the_phrase(make_customer):
    user = make_customer(phone="+8613500135000", anti_phishing_phrase="kite")
    services.send_to("account_unlocked", user.phone, user=user)
    run_jobs()
    msg = OutboxMessage.objects.get(to=user.phone)
    assert msg.channel == "sms" and "kite" in msg.body and "\n" not in msg.body
    assert Delivery.objects.get(to=user.phone).status == "sent"


def test_nothing_is_sent_when_the_transaction_rolls_back(make_customer, monkeypatch):
    monkeypatch.setattr(transaction, "on_commit", transaction.on_commit)  # the real hook
    user = make_customer("rb@example.com")
    with pytest.raises(RuntimeError), transaction.atomic():
        services.send_to("account_unlocked", user.email, user=user)
        raise RuntimeError
    run_jobs()
    assert mail.outbox == [] and not Job.objects.filter(name="notify.deliver").exists()


def test_job_arguments_are_sealed(make_customer):
    user = make_customer("seal@example.com")
    services.send_to("reset_code", user.email, user=user, code="918273", minutes=15)
    job = Job.objects.get(name="notify.deliver")
    assert "918273" not in str(job.args)
    run_jobs()
    assert "918273" in mail.outbox[0].body


@override_settings(NOTIFY={"SMS_PROVIDER": "walletdesk.notify.providers.DevelopmentSmsProvider",
                           "SMS_FAIL_RATE": 0.0, "SMS_FAIL_NUMBERS": ["+8613400134000"]})
def test_a_failing_sms_is_recorded_and_retried(make_customer):
    user = make_customer(phone="+8613400134000")
    services.send_to("account_unlocked", user.phone, user=user)
    run_jobs()
    assert Delivery.objects.get(to=user.phone).status == "failed"
    job = Job.objects.get(name="notify.deliver")
    assert job.status == "queued" and job.attempts == 1  # retried later with back-off


def test_dev_outbox_api_and_page(settings, make_customer):
    settings.DEV_OUTBOX = True
    user = make_customer("dev@example.com", language="en")
    services.send_to("account_unlocked", user.email, user=user)
    services.send_to("signed_out_everywhere", user.email, user=user)
    run_jobs()
    r = Client().get("/api/v1/dev/outbox", {"to": "DEV@example.com"})
    assert r.status_code == 200
    rows = r.json()
    assert [set(x) for x in rows] == [{"channel", "to", "subject", "body", "created_at"}] * 2
    assert "signed out" in rows[0]["body"]  # newest first
    assert Client().get("/notify/outbox/").status_code == 200


def test_without_an_smtp_server_development_keeps_the_email_without_a_warning(settings, caplog,
                                                                            make_customer):
    """`make run` has no SMTP server: the email is in the outbox, the log says so at INFO (not a
    warning at every start), the failed delivery is recorded, and nothing is retried."""
    import logging
    import socket

    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings.DEV_OUTBOX = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    user = make_customer("nosmtp@example.com", language="en")
    with caplog.at_level(logging.INFO, logger="walletdesk.notify.services"):
        services.send_to("account_unlocked", user.email, user=user)
        run_jobs()
    assert Delivery.objects.get(to=user.email).status == "failed"
    assert not Job.objects.filter(name="notify.deliver").exclude(status="done").exists()
    assert Client().get("/api/v1/dev/outbox", {"to": user.email}).json()[0]["channel"] == "email"
    notes = [r for r in caplog.records if r.name == "walletdesk.notify.services"]
    assert notes and all(r.levelno == logging.INFO for r in notes)
    assert "kept in the development outbox" in notes[0].getMessage()


def test_dev_outbox_is_off_by_default(settings):
    settings.DEV_OUTBOX = False
    assert Client().get("/api/v1/dev/outbox", {"to": "a@example.com"}).status_code == 404
    assert Client().get("/notify/outbox/").status_code == 404


def test_dev_outbox_is_refused_in_production():
    import os
    import subprocess
    import sys

    env = {**os.environ, "WALLETDESK_PRODUCTION": "1", "WALLETDESK_DEV_OUTBOX": "1",
           "WALLETDESK_SECRET_KEY": "x" * 50}
    r = subprocess.run([sys.executable, "-c", "import walletdesk.settings"], env=env,
                       capture_output=True, text=True)
    assert r.returncode != 0 and "DEV_OUTBOX" in r.stderr
