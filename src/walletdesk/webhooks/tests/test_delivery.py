"""Webhooks end to end: support actions → signed POSTs to a real HTTP receiver, retries with
backoff on a moved clock, 410 disables, and the delivery log. Real commits
(``transaction=True``): deliveries only leave after the support transaction commits."""

from __future__ import annotations

import itertools
from datetime import timedelta
from typing import Any

import pytest

from walletdesk.core import clock
from walletdesk.core.models import Job
from walletdesk.core.services import jobs
from walletdesk.support.services import chat, conversations
from walletdesk.webhooks import conf, services, signing
from walletdesk.webhooks.models import Attempt, Delivery, Endpoint, Event

from .receiver import receiver

pytestmark = pytest.mark.django_db(transaction=True)
# The tests marked ``security`` also run on PostgreSQL, where the chat stores messages with one
# raw statement (no post_save): the scanner must see them there too.


def open_chat(customer: Any, text: str = "我的转账没到账") -> Any:
    return conversations.open_conversation(customer, topic="payments", message=text,
                                           use_triage=False).conversation


def deliver() -> int:
    """Let the scanner's grace pass and its next slot come, then run the due jobs."""
    config = conf.get()
    clock.advance(seconds=config.scan_every_seconds + config.scan_grace_seconds)
    return jobs.run_pending()


def verified(secret: str, request: Any) -> bool:
    return signing.verify(secret, request.headers[signing.HEADER], request.body,
                          now=clock.now().timestamp())


@pytest.mark.security  # signatures and SSRF: on SQLite and again on PostgreSQL
def test_conversation_events_arrive_signed_in_order(customer: Any, make_agent: Any) -> None:
    agent = make_agent()
    with receiver() as rx:
        hook = services.create_endpoint(url=rx.url, description="CRM")
        conv = open_chat(customer)
        assert not rx.requests  # nothing leaves from inside the request
        deliver()
        conversations.accept(agent, conv)
        chat.post(conv, agent.user, "您好，我来查一下", agent=agent)
        chat.post(conv, agent.user, "内部备注：商户对账中", agent=agent, note=True)
        chat.post(conv, customer, "验证码是 123456")
        conversations.resolve(agent, conv)
        conversations.rate(conv, 4, "ok")
        jobs.run_pending()
        assert len(rx.requests) == 2  # the scanner leaves the newest rows a short grace
        deliver()
    assert rx.types() == ["conversation.created", "message.from_customer", "conversation.assigned",
                          "message.from_agent", "message.from_customer", "conversation.resolved",
                          "conversation.rated", "conversation.closed"]  # no private note
    for request in rx.requests:
        assert request.path == "/hooks/walletdesk"
        assert verified(hook.secret, request)
        assert request.headers["Walletdesk-Event-Id"] == request.json["id"]
        assert request.headers["Content-Type"].startswith("application/json")
    masked = rx.requests[4].json["data"]
    assert "123456" not in rx.requests[4].body.decode() and masked["message"]["masked"]
    assert masked["conversation"]["reference"] == conv.reference
    assert masked["conversation"]["agent"]["employee_id"] == agent.employee_id
    assert rx.requests[-1].json["data"]["conversation"]["status"] == "closed"
    assert len({r.json["id"] for r in rx.requests}) == len(rx.requests)
    assert set(Delivery.objects.values_list("status", flat=True)) == {"succeeded"}


@pytest.mark.security  # signatures and SSRF: on SQLite and again on PostgreSQL
def test_a_tampered_body_or_an_old_timestamp_fails_verification(customer: Any) -> None:
    with receiver() as rx:
        hook = services.create_endpoint(url=rx.url, event_types=["conversation.created"])
        open_chat(customer)
        deliver()
    (request,) = rx.requests
    header = request.headers[signing.HEADER]
    now = clock.now().timestamp()
    assert signing.verify(hook.secret, header, request.body, now=now)
    tampered = request.body.replace(b'"payments"', b'"refunds"')
    assert tampered != request.body
    assert not signing.verify(hook.secret, header, tampered, now=now)
    assert not signing.verify("whsec_wrong", header, request.body, now=now)
    assert not signing.verify(hook.secret, header, request.body, now=now + 301)  # replay window


def test_retries_with_backoff_on_500_then_delivers(customer: Any) -> None:
    with receiver(answers=[500, 503]) as rx:
        services.create_endpoint(url=rx.url, event_types=["conversation.created"])
        open_chat(customer)
        deliver()
        delivery = Delivery.objects.get()
        assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("pending", 1, 500)
        assert delivery.next_attempt_at is not None
        first_wait = (delivery.next_attempt_at - clock.now()).total_seconds()
        assert 80 * 0.8 - 1 <= first_wait <= 80 * 1.2
        jobs.run_pending()
        assert len(rx.requests) == 1  # not before its time
        clock.advance(seconds=first_wait + 1)
        jobs.run_pending()
        delivery.refresh_from_db()
        assert delivery.next_attempt_at is not None
        second_wait = (delivery.next_attempt_at - clock.now()).total_seconds()
        assert (delivery.attempts, delivery.last_status_code) == (2, 503)
        assert 240 * 0.8 - 1 <= second_wait <= 240 * 1.2
        clock.advance(seconds=second_wait + 1)
        jobs.run_pending()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("succeeded", 3, 200)
    assert delivery.next_attempt_at is None and delivery.finished_at is not None
    assert len(rx.requests) == 3
    assert len({r.json["id"] for r in rx.requests}) == 1  # the same event, the same id
    assert [r.headers["Walletdesk-Delivery-Attempt"] for r in rx.requests] == ["1", "2", "3"]
    log = list(Attempt.objects.filter(delivery=delivery).order_by("number"))
    assert [(a.number, a.status_code) for a in log] == [(1, 500), (2, 503), (3, 200)]
    assert all(a.duration_ms >= 0 and '"status"' in a.response_snippet for a in log)
    assert log[0].next_attempt_at is not None and log[1].next_attempt_at is not None
    assert log[2].next_attempt_at is None
    assert Job.objects.filter(name="webhooks.deliver").count() == 3


def test_a_refused_connection_is_retried_eight_times_over_a_day_then_failed(
        customer: Any, closed_port: int) -> None:
    services.create_endpoint(url=f"http://127.0.0.1:{closed_port}/hook",
                             event_types=["conversation.created"])
    open_chat(customer)
    deliver()
    started = Delivery.objects.get().created_at
    delivery = Delivery.objects.get()
    while delivery.status == "pending":
        assert delivery.next_attempt_at is not None
        clock.advance(seconds=(delivery.next_attempt_at - clock.now()).total_seconds() + 1)
        jobs.run_pending()
        delivery.refresh_from_db()
    log = list(Attempt.objects.filter(delivery=delivery).order_by("number"))
    assert [a.number for a in log] == list(range(1, 9))
    assert all(a.status_code is None and a.error == "connection_failed" for a in log)
    assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == ("failed", 8, None)
    gaps = [(b.started_at - a.started_at).total_seconds() for a, b in itertools.pairwise(log)]
    for n, gap in enumerate(gaps, start=1):
        nominal = 80 * 3 ** (n - 1)
        assert nominal * 0.8 <= gap <= nominal * 1.2 + 2  # exponential, with jitter
    span_hours = (log[-1].started_at - started).total_seconds() / 3600
    assert 0.8 * 24.3 <= span_hours <= 1.2 * 24.3


def test_410_gone_disables_the_endpoint_and_cancels_its_queue(customer: Any) -> None:
    with receiver(answers=[410]) as rx:
        hook = services.create_endpoint(url=rx.url)
        open_chat(customer)  # conversation.created + message.from_customer
        deliver()
        hook.refresh_from_db()
        assert (hook.is_active, hook.disabled_reason) == (False, "gone")
        statuses = sorted(Delivery.objects.values_list("status", flat=True))
        assert statuses == ["cancelled", "failed"]
        open_chat(customer)
        deliver()
    assert len(rx.requests) == 1
    assert Delivery.objects.count() == 2  # no new deliveries to a disabled endpoint


def test_nothing_is_recorded_when_the_support_transaction_rolls_back(customer: Any) -> None:
    from django.db import transaction

    with receiver() as rx:
        services.create_endpoint(url=rx.url)
        conv = open_chat(customer)
        deliver()
        before = (Event.objects.count(), Delivery.objects.count(), len(rx.requests))

        class Boom(Exception):
            pass

        with pytest.raises(Boom), transaction.atomic():
            chat.post(conv, customer, "this message never commits")
            raise Boom
        deliver()
        assert (Event.objects.count(), Delivery.objects.count(), len(rx.requests)) == before


def test_the_test_event_goes_to_one_endpoint(customer: Any) -> None:
    with receiver() as rx, receiver() as other:
        hook = services.create_endpoint(url=rx.url, event_types=["conversation.resolved"])
        services.create_endpoint(url=other.url)
        services.send_test(hook, customer)
        jobs.run_pending()
    assert rx.types() == ["webhook.test"] and other.requests == []
    assert verified(hook.secret, rx.requests[0])


@pytest.mark.security  # signatures and SSRF: on SQLite and again on PostgreSQL
def test_private_addresses_are_refused_when_not_allowed(settings: Any, customer: Any) -> None:
    from walletdesk.webhooks.errors import InvalidWebhookUrl, WebhookAddressNotAllowed

    with receiver() as rx:
        services.create_endpoint(url=rx.url, event_types=["conversation.created"])
        settings.WEBHOOKS = {**settings.WEBHOOKS, "ALLOW_PRIVATE": False}
        for url in (rx.url, "http://localhost/x", "http://10.1.2.3/x", "http://169.254.169.254/",
                    "http://[::1]/x", "http://[::ffff:127.0.0.1]/x", "http://0.0.0.0/x",
                    "http://192.168.1.10/x", "http://100.64.0.1/x"):
            with pytest.raises(WebhookAddressNotAllowed):
                services.create_endpoint(url=url)
        malformed: tuple[Any, ...] = ("ftp://example.com/", "http://user:pw@example.com/", "not a url",
                                      "http:///x", "http://example.com/#frag", 42)
        for bad in malformed:
            with pytest.raises(InvalidWebhookUrl):
                services.create_endpoint(url=bad)
        assert Endpoint.objects.count() == 1  # refusals wrote nothing
        # Checked again right before sending (the address may have changed since it was saved).
        open_chat(customer)
        deliver()
        attempt = Attempt.objects.get()
        assert attempt.error == "webhook_address_not_allowed" and attempt.status_code is None
    assert rx.requests == []


def test_the_scanner_starts_at_the_first_endpoint_and_never_emits_twice(customer: Any) -> None:
    from walletdesk.webhooks.models import Cursor

    open_chat(customer, "history before any endpoint")
    with receiver() as rx:
        services.create_endpoint(url=rx.url)
        start = Cursor.objects.get().position
        open_chat(customer)
        deliver()
        assert rx.types() == ["conversation.created", "message.from_customer"]
        events_before = Event.objects.count()
        Cursor.objects.update(position=start)  # a second scanner reading the same rows again
        assert services.scan() == 0
        deliver()
    assert Event.objects.count() == events_before and len(rx.requests) == 2


def test_messages_while_every_endpoint_is_paused_are_not_sent_later(customer: Any) -> None:
    with receiver() as rx:
        hook = services.create_endpoint(url=rx.url, event_types=["conversation.created"])
        services.update_endpoint(hook, is_active=False)
        open_chat(customer)
        deliver()
        services.update_endpoint(hook, is_active=True)
        deliver()
        assert rx.requests == []
        open_chat(customer)
        deliver()
    assert rx.types() == ["conversation.created"]


def test_service_level_warnings_and_breaches_are_sent(customer: Any) -> None:
    from walletdesk.servicelevels import services as servicelevels

    with receiver() as rx:
        hook = services.create_endpoint(
            url=rx.url, event_types=["conversation.sla_warning", "conversation.sla_breached"])
        conv = open_chat(customer)  # normal priority: first response within 60 business minutes
        clock.advance(minutes=61)  # no directory hours in this database: around the clock
        servicelevels.check()
        deliver()
    got = sorted((r.json["type"], r.json["data"]["service_level"]["target"]) for r in rx.requests)
    assert got == [("conversation.sla_breached", "first_response"),
                   ("conversation.sla_warning", "first_response")]
    assert all(r.json["data"]["conversation"]["reference"] == conv.reference for r in rx.requests)
    assert all(verified(hook.secret, r) for r in rx.requests)


def test_transfer_and_callback_events(customer: Any, make_agent: Any) -> None:
    agent = make_agent()
    with receiver() as rx:
        services.create_endpoint(url=rx.url, event_types=[
            "conversation.transferred", "conversation.callback_requested", "conversation.assigned"])
        conv = open_chat(customer)
        conversations.request_callback(conv)
        conversations.accept(agent, conv)
        conversations.transfer(agent, conv, to_skill="refunds", note="needs the refunds team")
        deliver()
    assert rx.types() == ["conversation.callback_requested", "conversation.assigned",
                          "conversation.transferred"]
    moved = rx.requests[-1].json["data"]
    assert moved["conversation"]["queue"] == "refunds" and moved["conversation"]["status"] == "queued"
    assert "needs the refunds team" not in rx.requests[-1].body.decode()  # the note stays inside


def test_finished_events_are_purged_after_the_retention(customer: Any, closed_port: int) -> None:
    with receiver() as rx:
        services.create_endpoint(url=rx.url, event_types=["conversation.created"])
        services.create_endpoint(url=f"http://127.0.0.1:{closed_port}/x",
                                 event_types=["message.from_customer"])
        open_chat(customer)
        deliver()
    assert sorted(Delivery.objects.values_list("status", flat=True)) == ["pending", "succeeded"]
    assert services.purge_old(clock.now() + timedelta(days=29)) == 0
    purged = services.purge_old(clock.now() + timedelta(days=31))
    assert purged > 0  # the delivered event with its delivery and attempt log
    assert list(Event.objects.values_list("type", flat=True)) == ["message.from_customer"]
    assert Attempt.objects.filter(delivery__status="pending").count() == 1  # still retrying: kept
