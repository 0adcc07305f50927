"""New device and place: step-up by code, "was this you?" with a one-tap freeze, impossible travel."""

import re

import pytest
from django.test import Client, override_settings

from walletdesk.accounts.models import AccountHold
from walletdesk.core import clock

from .fixtures import last_code, messages_to, post
from .test_codes import RIGHT

pytestmark = [pytest.mark.django_db, pytest.mark.security]


def login(user, ip, device=""):
    headers = {"X-Device-Id": device} if device else {}
    return post(Client(REMOTE_ADDR=ip), "/api/v1/auth/login",
                {"login": user.email, "password": RIGHT}, **headers)


def test_known_device_logs_straight_in(customer):
    r = login(customer, "192.0.2.5")
    key = r.json()["device_key"]
    assert login(customer, "192.0.2.6", key).json()["token"]
    assert not any("was this you" in m["body"].lower() for m in messages_to(customer.email))


def test_new_device_gets_a_was_this_you_message_with_a_freeze_link(customer):
    login(customer, "192.0.2.5")
    clock.advance(hours=1)
    assert login(customer, "192.0.2.9").status_code == 200
    msg = messages_to(customer.email)[0]["body"]
    url = re.search(r"https?://\S+/account/freeze/\S+/", msg).group(0).split("8000", 1)[1]
    c = Client()
    assert c.get(url).status_code == 200
    assert AccountHold.objects.filter(user=customer).count() == 0  # GET changes nothing
    assert c.post(url).status_code == 200
    assert AccountHold.objects.get(user=customer).kind == AccountHold.Kind.FROZEN
    assert login(customer, "192.0.2.9").status_code == 401


def test_new_device_from_a_new_country_must_step_up_with_a_code(customer):
    login(customer, "192.0.2.5")  # Shanghai
    clock.advance(hours=20)
    r = login(customer, "198.51.100.5")  # London, a new device
    assert r.status_code == 200 and r.json()["mfa_required"] and r.json()["methods"] == ["code"]
    code = last_code(customer.email)
    r = post(Client(), "/api/v1/auth/login/mfa", {"mfa_token": r.json()["mfa_token"], "code": code})
    assert r.status_code == 200 and r.json()["token"]


@override_settings(SECURITY={**__import__("django.conf").conf.settings.SECURITY,
                             "NEW_DEVICE_STEP_UP": "always"})
def test_every_new_device_steps_up_when_configured(customer):
    login(customer, "127.0.0.1")
    assert login(customer, "127.0.0.1").json().get("mfa_required")


def test_impossible_travel_is_held(customer):
    key = login(customer, "192.0.2.5").json()["device_key"]  # Shanghai
    clock.advance(hours=2)
    r = login(customer, "203.0.113.5", key)  # New York two hours later
    assert r.status_code == 401
    assert AccountHold.objects.get(user=customer).kind == AccountHold.Kind.SECURITY
    assert any("安全暂停" in m["body"] for m in messages_to(customer.email))


def test_travel_at_plane_speed_is_fine(customer):
    key = login(customer, "192.0.2.5").json()["device_key"]
    clock.advance(hours=14)
    assert login(customer, "203.0.113.5", key).status_code == 200


def test_not_me_freeze_forces_a_password_change_after_unlock(customer):
    from walletdesk.accounts import services

    services.freeze(customer, reason="not me")
    services.unlock_account(customer, by=customer)
    r = login(customer, "192.0.2.5")
    assert r.status_code == 200 and r.json()["must_change_password"] is True
    c = Client()
    r = c.post("/login/", {"username": customer.email, "password": RIGHT})
    assert r.status_code == 302 and r["Location"].endswith("/account/password/")
    from .fixtures import STRONG

    assert c.post("/account/password/", {"new_password": STRONG}).status_code == 302
    customer.refresh_from_db()
    assert not customer.must_change_password
