"""Passkeys: the server side of the ceremonies (the browser test drives a virtual
authenticator); junk is refused, every endpoint wants CSRF and a recent authentication."""

import json

import pytest
from django.test import Client

from walletdesk.accounts.models import Passkey, PendingLogin
from walletdesk.accounts.services import mfa
from walletdesk.core import clock

from .test_codes import RIGHT

pytestmark = [pytest.mark.django_db, pytest.mark.security]


def signed_in(customer):
    c = Client()
    c.post("/login/", {"username": customer.email, "password": RIGHT})
    return c


def test_options_need_a_recent_authentication(customer):
    c = signed_in(customer)
    r = c.post("/account/passkeys/options/")
    assert r.status_code == 200
    options = r.json()
    assert options["rp"]["id"] == "testserver" and options["challenge"]
    clock.advance(minutes=6)
    r = c.post("/account/passkeys/options/")
    assert r.status_code == 403 and r.json()["code"] == "step_up_required"


def test_junk_registration_is_refused(customer):
    c = signed_in(customer)
    c.post("/account/passkeys/options/")
    r = c.post("/account/passkeys/add/", json.dumps({"credential": {"id": "x"}}),
               content_type="application/json")
    assert r.status_code == 400 and not Passkey.objects.exists()
    r = c.post("/account/passkeys/add/", "not json", content_type="application/json")
    assert r.status_code == 400


def test_passkey_login_refuses_junk_and_counts_tries(customer):
    Passkey.objects.create(user=customer, credential_id="AAAA", public_key="AAAA")
    assert mfa.has_mfa(customer) and "webauthn" in mfa.methods(customer)
    c = Client()
    r = c.post("/login/", {"username": customer.email, "password": RIGHT})
    assert "/account/login/verify/" in r["Location"]
    assert c.post("/account/login/passkey/options/").status_code == 200
    r = c.post("/account/login/passkey/", json.dumps({"credential": {"id": "AAAA"}}),
               content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "invalid_code"
    assert PendingLogin.objects.get(user=customer).attempts == 1
    assert "_auth_user_id" not in c.session


def test_passkey_endpoints_want_csrf(customer):
    c = Client(enforce_csrf_checks=True)
    c.force_login(customer)
    for path in ("/account/passkeys/options/", "/account/passkeys/add/",
                 "/account/login/passkey/options/", "/account/login/passkey/"):
        assert c.post(path).status_code == 403
