"""Bad input on the auth API: typed errors, nothing changed, nothing revealed."""

import json

import pytest
from django.test import Client

from walletdesk.accounts.models import LoginGuard, OneTimeCode, SecurityEvent, User

from .fixtures import STRONG, post
from .test_codes import RIGHT

pytestmark = [pytest.mark.django_db, pytest.mark.security]


@pytest.mark.parametrize("body", [
    {}, {"login": "a@example.com"}, {"password": "x"}, {"login": 123, "password": "x"},
    {"login": ["a"], "password": "x"}, {"login": None, "password": None},
])
@pytest.mark.parametrize("path", ["/api/v1/auth/login", "/api/v1/auth/register",
                                  "/api/v1/auth/password-reset", "/api/v1/auth/unlock"])
def test_malformed_bodies(customer, path, body):
    r = post(Client(), path, body)
    assert r.status_code in (202, 401, 422)  # 202: a well-formed reset for a missing account
    assert "code" in r.json() or r.status_code == 202
    assert not SecurityEvent.objects.exists() and not OneTimeCode.objects.exists()


def test_over_long_password_on_login_is_refused_without_hashing_a_megabyte(customer):
    r = post(Client(), "/api/v1/auth/login", {"login": customer.email, "password": "x" * 100_000})
    assert r.status_code == 401
    assert LoginGuard.objects.filter(user=customer).count() == 0


def test_over_long_and_empty_logins_answer_alike(customer):
    for login in ["", " ", "a" * 300, "\x00", "a@" + "b" * 300 + ".com"]:
        r = post(Client(), "/api/v1/auth/login", {"login": login, "password": "whatever pass"})
        assert r.status_code == 401 and r.json()["code"] == "invalid_credentials"


def test_full_width_login_is_normalized(customer):
    wide = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in customer.email)
    r = post(Client(), "/api/v1/auth/login", {"login": wide, "password": RIGHT})
    assert r.status_code == 200


def test_wrong_content_types(customer):
    c = Client()
    for ctype, data in [("text/plain", "login=a&password=b"), ("application/xml", "<a/>"),
                        ("application/json", "[1,2"), ("application/json", json.dumps([1, 2]))]:
        r = c.post("/api/v1/auth/login", data, content_type=ctype)
        assert r.status_code in (400, 415, 422), (ctype, r.status_code)
    assert not SecurityEvent.objects.exists()


def test_weak_password_on_reset_keeps_the_code(client_api, customer):
    from .fixtures import last_code

    post(client_api, "/api/v1/auth/password-reset", {"login": customer.email})
    code = last_code(customer.email)
    r = post(client_api, "/api/v1/auth/password-reset/confirm",
             {"login": customer.email, "code": code, "new_password": "123456789"})
    assert r.status_code == 422 and r.json()["code"] == "weak_password"
    r = post(client_api, "/api/v1/auth/password-reset/confirm",
             {"login": customer.email, "code": code, "new_password": STRONG})
    assert r.status_code == 200


def test_admin_login_form_refuses_a_password_alone_when_two_step_is_on(customer):
    from .test_codes import _enroll

    c = Client()
    assert c.login(username=customer.email, password=RIGHT)  # no second factor: a password
    _enroll(customer)
    assert not Client().login(username=customer.email, password=RIGHT)


def test_back_office_staff_never_sign_in_with_a_password_alone(customer):
    """ADR 0100: the admin's own login form sends everyone to /login/ (second factor), and the
    password backend refuses staff even before they set one up."""
    User.objects.filter(pk=customer.pk).update(is_staff=True)
    c = Client()
    r = c.post("/admin/login/", {"username": customer.email, "password": RIGHT})
    assert r.status_code == 302 and r["Location"].startswith("/login/?next=")
    assert "_auth_user_id" not in c.session
    assert not Client().login(username=customer.email, password=RIGHT)
    assert Client().get("/admin/login/?next=//evil.example/")["Location"] == "/login/?next=%2Fadmin%2F"


@pytest.mark.parametrize("path, body", [
    ("/api/v1/auth/login", {"login": "a\x00@example.com", "password": "x"}),
    ("/api/v1/auth/register", {"login": "a\x00@example.com", "password": STRONG}),
    ("/api/v1/auth/password-reset", {"login": "+86138\x000013800"}),
    ("/api/v1/auth/password-reset/confirm", {"login": "a@example.com", "code": "12345\x00",
                                             "new_password": STRONG}),
    ("/api/v1/auth/login/mfa", {"mfa_token": "wdm_\x00", "code": "\x00"}),
])
def test_nul_bytes_are_refused_cleanly(customer, path, body):
    r = post(Client(), path, body)
    assert r.status_code in (400, 401, 422)


def test_strange_device_keys_are_replaced(customer):
    r = post(Client(), "/api/v1/auth/login", {"login": customer.email, "password": RIGHT},
             **{"X-Device-Id": "short"})
    assert r.status_code == 200 and r.json()["device_key"] != "short"
