"""The new-device rule under both settings of WALLETDESK_NEW_DEVICE_STEP_UP (ADR 0044)."""

import pytest
from django.conf import settings
from django.test import Client, override_settings

from walletdesk.core import clock

from .fixtures import last_code, messages_to, post
from .test_codes import RIGHT

pytestmark = [pytest.mark.django_db, pytest.mark.security]
SHANGHAI, SHANGHAI_2, LONDON = "192.0.2.5", "192.0.2.77", "198.51.100.5"


def policy(value):
    return override_settings(SECURITY={**settings.SECURITY, "NEW_DEVICE_STEP_UP": value})


def login(user, ip, device=""):
    headers = {"X-Device-Id": device} if device else {}
    return post(Client(REMOTE_ADDR=ip), "/api/v1/auth/login",
                {"login": user.email, "password": RIGHT}, **headers)


def complete(r, user):
    done = post(Client(), "/api/v1/auth/login/mfa",
                {"mfa_token": r.json()["mfa_token"], "code": last_code(user.email)})
    assert done.status_code == 200
    return done.json()


@pytest.mark.parametrize("value", ["new_place", "always"])
def test_known_device_logs_straight_in_under_both(customer, value):
    with policy("new_place"):
        key = login(customer, SHANGHAI).json()["device_key"]
    with policy(value):
        r = login(customer, SHANGHAI_2, key)
    assert r.status_code == 200 and r.json()["token"]


def test_default_new_device_same_country_logs_in_and_the_owner_is_asked(customer):
    with policy("new_place"):
        login(customer, SHANGHAI)
        clock.advance(hours=1)
        r = login(customer, SHANGHAI_2)  # another browser, same country
    assert r.status_code == 200 and r.json()["token"]  # the API login contract holds
    assert any("/account/freeze/" in m["body"] for m in messages_to(customer.email))


def test_default_new_device_new_country_needs_the_code(customer):
    with policy("new_place"):
        login(customer, SHANGHAI)
        clock.advance(hours=20)
        r = login(customer, LONDON)
        assert r.json()["mfa_required"] and r.json()["methods"] == ["code"]
        assert complete(r, customer)["token"]


def test_always_new_device_same_country_needs_the_code_then_is_known(customer):
    with policy("always"):
        first = login(customer, SHANGHAI)  # the very first device too
        assert first.json()["mfa_required"] and first.json()["methods"] == ["code"]
        key = complete(first, customer)["device_key"]
        clock.advance(hours=1)
        r = login(customer, SHANGHAI_2)
        assert r.json()["mfa_required"]
        wrong = post(Client(), "/api/v1/auth/login/mfa",
                     {"mfa_token": r.json()["mfa_token"], "code": "000000"})
        assert wrong.status_code == 400 and "token" not in wrong.json()
        assert login(customer, SHANGHAI_2, key).json()["token"]  # the verified device
