"""Lockout tiers per account across IP addresses, the per-IP limit, and no enumeration."""

import pytest
from django.test import Client, override_settings

from walletdesk.accounts.models import AccountHold, LoginGuard
from walletdesk.core import clock

from .fixtures import messages_to, post

pytestmark = [pytest.mark.django_db, pytest.mark.security]
RIGHT = "correct horse battery staple 9"


def attempt(login, password, ip="192.0.2.10", **headers):
    return post(Client(REMOTE_ADDR=ip), "/api/v1/auth/login",
                {"login": login, "password": password}, **headers)


def fail(user, n, ips=("192.0.2.1",)):
    for i in range(n):
        r = attempt(user.email, f"wrong password {i}", ip=ips[i % len(ips)])
        assert r.status_code == 401


def test_first_tier_exactly_at_five_failures_across_ips(customer):
    fail(customer, 4, ips=["192.0.2.1", "198.51.100.2", "203.0.113.3", "10.0.0.4"])
    assert attempt(customer.email, RIGHT).status_code == 200  # 4 failures: still fine
    fail(customer, 5, ips=["192.0.2.1", "198.51.100.2", "203.0.113.3", "10.0.0.4", "10.0.0.5"])
    assert attempt(customer.email, RIGHT).status_code == 401  # locked for a minute
    clock.advance(seconds=59)
    assert attempt(customer.email, RIGHT).status_code == 401
    clock.advance(seconds=2)
    assert attempt(customer.email, RIGHT).status_code == 200
    assert any("密码错误" in m["body"] for m in messages_to(customer.email))  # the owner is told


@pytest.mark.parametrize("failures, seconds", [(5, 60), (10, 300), (15, 900)])
def test_tiers(customer, failures, seconds):
    done = 0
    for tier in (5, 10, 15):
        if tier > failures:
            break
        fail(customer, tier - done)
        done = tier
        if tier < failures:
            clock.advance(seconds=dict([(5, 60), (10, 300), (15, 900)])[tier] + 1)
    guard = LoginGuard.objects.get(user=customer)
    assert guard.failures == failures
    assert guard.locked_until is not None
    assert round((guard.locked_until - clock.now()).total_seconds()) == seconds
    clock.advance(seconds=seconds - 2)
    assert attempt(customer.email, RIGHT).status_code == 401
    clock.advance(seconds=3)
    assert attempt(customer.email, RIGHT).status_code == 200


def test_twenty_within_twelve_hours_is_a_security_hold(customer):
    for tier, wait in ((5, 61), (5, 301), (5, 901)):
        fail(customer, tier)
        clock.advance(seconds=wait)
    fail(customer, 4)
    assert not AccountHold.objects.filter(user=customer).exists()
    fail(customer, 1)
    hold = AccountHold.objects.get(user=customer)
    assert hold.kind == AccountHold.Kind.SECURITY
    clock.advance(days=3)
    assert attempt(customer.email, RIGHT).status_code == 401  # until unlocked
    assert any("安全暂停" in m["body"] for m in messages_to(customer.email))


def test_failures_older_than_twelve_hours_start_a_new_window(customer):
    fail(customer, 4)
    clock.advance(hours=12, seconds=1)
    fail(customer, 4)
    assert LoginGuard.objects.get(user=customer).failures == 4
    assert attempt(customer.email, RIGHT).status_code == 200


def test_locked_answers_exactly_like_a_wrong_password(customer, make_customer):
    other = make_customer("other@example.com")
    fail(customer, 5)
    locked_right = attempt(customer.email, RIGHT)
    wrong = attempt(other.email, "not the password")
    missing = attempt("nobody@example.com", "not the password")
    for r in (locked_right, missing):
        assert r.status_code == wrong.status_code == 401
        assert r.content == wrong.content
        assert sorted(r.headers.items()) == sorted(wrong.headers.items())


def test_spoofed_forwarded_for_changes_nothing(customer):
    for i in range(5):
        r = attempt(customer.email, "wrong", ip="192.0.2.50",
                    **{"X-Forwarded-For": f"203.0.113.{i}"})
        assert r.status_code == 401
    assert LoginGuard.objects.get(user=customer).failures == 5
    assert attempt(customer.email, RIGHT, **{"X-Forwarded-For": "198.51.100.9"}).status_code == 401


@override_settings(TRUSTED_PROXIES=["10.9.9.9"])
def test_forwarded_for_is_used_only_from_a_trusted_proxy(customer):
    from django.test import RequestFactory

    from walletdesk.accounts.netutil import client_ip

    rf = RequestFactory()
    spoof = rf.get("/", REMOTE_ADDR="192.0.2.8", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_ip(spoof) == "192.0.2.8"
    proxied = rf.get("/", REMOTE_ADDR="10.9.9.9", HTTP_X_FORWARDED_FOR="1.2.3.4, 5.6.7.8")
    assert client_ip(proxied) == "5.6.7.8"


@override_settings(SECURITY={**__import__("django.conf").conf.settings.SECURITY,
                             "IP_FAILURES_PER_15_MIN": 8})
@pytest.mark.usefixtures("still_clock")
def test_per_ip_limit(make_customer):
    users = [make_customer() for _ in range(3)]
    for i in range(8):
        attempt(users[i % 3].email, "wrong", ip="198.51.100.77")
    r = attempt(users[0].email, RIGHT, ip="198.51.100.77")
    assert r.status_code == 429 and r.json()["code"] == "too_many_requests"
    assert attempt(users[0].email, RIGHT, ip="198.51.100.78").status_code == 200
    clock.advance(minutes=16)
    assert attempt(users[1].email, RIGHT, ip="198.51.100.77").status_code == 200
