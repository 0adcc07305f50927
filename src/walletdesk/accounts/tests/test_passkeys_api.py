"""Passkeys through the API, with a software authenticator: register, log in, refusals."""

import copy
from typing import Any

import pytest
from django.test import Client

from walletdesk.accounts.models import ApiToken, Passkey, PasskeyChallenge, PendingLogin
from walletdesk.core import clock

from .fixtures import post
from .softauthn import SoftAuthenticator
from .test_codes import RIGHT

pytestmark = [pytest.mark.django_db, pytest.mark.security]


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def token_for(customer):
    r = post(Client(), "/api/v1/auth/login", {"login": customer.email, "password": RIGHT})
    return r.json()["token"]


def register(token, authenticator, name="phone"):
    options = post(Client(), "/api/v1/auth/passkeys/register/options", {}, **bearer(token))
    assert options.status_code == 200, options.content
    credential = authenticator.create(options.json())
    return post(Client(), "/api/v1/auth/passkeys/register/verify",
                {"credential": credential, "name": name}, **bearer(token))


def start_login(customer):
    r = post(Client(), "/api/v1/auth/login", {"login": customer.email, "password": RIGHT})
    assert r.json()["mfa_required"] and "webauthn" in r.json()["methods"]
    mfa_token = r.json()["mfa_token"]
    options = post(Client(), "/api/v1/auth/login/passkey/options", {"mfa_token": mfa_token})
    assert options.status_code == 200
    return mfa_token, options.json()


def finish_login(mfa_token, credential):
    return post(Client(), "/api/v1/auth/login/passkey/verify",
                {"mfa_token": mfa_token, "credential": credential})


@pytest.fixture
def enrolled(customer):
    authenticator = SoftAuthenticator()
    r = register(token_for(customer), authenticator)
    assert r.status_code == 201, r.content
    assert len(r.json()["recovery_codes"]) == 10
    return authenticator


def test_register_then_log_in_with_the_passkey(customer, enrolled):
    key = Passkey.objects.get(user=customer)
    assert key.credential_id == enrolled.id and key.name == "phone"
    mfa_token, options = start_login(customer)
    assert options["rpId"] == "testserver"
    assert [c["id"] for c in options["allowCredentials"]] == [enrolled.id]
    r = finish_login(mfa_token, enrolled.get(options))
    assert r.status_code == 200 and r.json()["token"].startswith("wdt_")
    key.refresh_from_db()
    assert key.sign_count == 1 and key.last_used_at is not None
    listed = Client().get("/api/v1/auth/passkeys", headers=bearer(r.json()["token"]))
    assert [k["id"] for k in listed.json()] == [key.pk]


def test_registration_needs_a_recent_authentication(customer):
    token = token_for(customer)
    clock.advance(minutes=6)
    r = post(Client(), "/api/v1/auth/passkeys/register/options", {}, **bearer(token))
    assert (r.status_code, r.json()["code"]) == (403, "step_up_required")
    assert not PasskeyChallenge.objects.exists()


def test_registration_refuses_a_wrong_origin_a_reused_challenge_and_junk(customer):
    token = token_for(customer)
    authenticator = SoftAuthenticator()
    options = post(Client(), "/api/v1/auth/passkeys/register/options", {}, **bearer(token)).json()
    phished = authenticator.create(options, origin="https://wallet-desk.example")
    r = post(Client(), "/api/v1/auth/passkeys/register/verify", {"credential": phished},
             **bearer(token))
    assert (r.status_code, r.json()["code"]) == (400, "invalid_code")
    good = authenticator.create(options)  # the same challenge again: it was used up
    r = post(Client(), "/api/v1/auth/passkeys/register/verify", {"credential": good},
             **bearer(token))
    assert r.status_code == 400
    junks: list[dict[str, Any]] = [{}, {"id": "x"}, {"response": {"clientDataJSON": "!!"}}, {"response": []}]
    for junk in junks:
        r = post(Client(), "/api/v1/auth/passkeys/register/verify", {"credential": junk},
                 **bearer(token))
        assert r.status_code == 400
    assert not Passkey.objects.exists()


def test_a_challenge_for_another_user_is_refused(customer, make_customer):
    other = make_customer("other@example.com")
    authenticator = SoftAuthenticator()
    options = post(Client(), "/api/v1/auth/passkeys/register/options", {},
                   **bearer(token_for(other))).json()
    r = post(Client(), "/api/v1/auth/passkeys/register/verify",
             {"credential": authenticator.create(options)}, **bearer(token_for(customer)))
    assert r.status_code == 400 and not Passkey.objects.exists()


def test_login_assertion_is_used_once(customer, enrolled):
    mfa_token, options = start_login(customer)
    credential = enrolled.get(options)
    assert finish_login(mfa_token, credential).status_code == 200
    mfa_token2, _options = start_login(customer)
    r = finish_login(mfa_token2, credential)  # a replayed assertion (its challenge is used)
    assert (r.status_code, r.json()["code"]) == (400, "invalid_code")
    assert PendingLogin.objects.get(token_hash__isnull=False, used_at__isnull=True).attempts == 1


def test_login_refuses_a_forged_signature_wrong_key_and_expired_challenge(customer, enrolled):
    mfa_token, options = start_login(customer)
    forged = enrolled.get(options)
    tampered = copy.deepcopy(forged)
    tampered["response"]["signature"] = SoftAuthenticator().get(options)["response"]["signature"]
    assert finish_login(mfa_token, tampered).status_code == 400
    stranger = SoftAuthenticator()  # a key that was never registered
    _t, options2 = start_login(customer)
    assert finish_login(mfa_token, stranger.get(options2)).status_code == 400
    _t, options3 = start_login(customer)
    clock.advance(minutes=6)
    r = finish_login(_t, enrolled.get(options3))
    assert r.status_code == 400
    assert not ApiToken.objects.filter(user=customer, created_at__gt=clock.now()).exists()


def test_a_cloned_authenticator_is_refused(customer, enrolled):
    mfa_token, options = start_login(customer)
    assert finish_login(mfa_token, enrolled.get(options)).status_code == 200
    enrolled.sign_count = 0  # a copy of the key whose counter is behind
    mfa_token, options = start_login(customer)
    assert finish_login(mfa_token, enrolled.get(options)).status_code == 400


def test_passkey_login_needs_a_live_mfa_token(customer, enrolled):
    r = post(Client(), "/api/v1/auth/login/passkey/options", {"mfa_token": "wdm_nope"})
    assert (r.status_code, r.json()["code"]) == (400, "invalid_code")
    _mfa_token, options = start_login(customer)
    r = finish_login("wdm_other", enrolled.get(options))
    assert r.status_code == 400


def test_remove_a_passkey_needs_a_step_up(customer, enrolled):
    assert "mfa_required" in post(Client(), "/api/v1/auth/login",
                                  {"login": customer.email, "password": RIGHT}).json()
    mfa_token, options = start_login(customer)
    token = finish_login(mfa_token, enrolled.get(options)).json()["token"]
    key = Passkey.objects.get(user=customer)
    clock.advance(minutes=6)
    r = Client().delete(f"/api/v1/auth/passkeys/{key.pk}", headers=bearer(token))
    assert (r.status_code, r.json()["code"]) == (403, "step_up_required")
    assert Passkey.objects.filter(pk=key.pk).exists()
