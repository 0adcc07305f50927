"""TOTP login, replay, recovery codes, step-up, new session ids."""

import pyotp
import pytest
from django.test import Client

from walletdesk.accounts.models import RecoveryCode, TotpDevice
from walletdesk.core import clock

from .fixtures import post
from .test_codes import RIGHT, _enroll

pytestmark = [pytest.mark.django_db, pytest.mark.security]


def login(client, user, password=RIGHT):
    return post(client, "/api/v1/auth/login", {"login": user.email, "password": password})


def totp_now(secret):
    return pyotp.TOTP(secret).at(clock.now().timestamp())


def test_login_with_totp(client_api, customer):
    secret, _ = _enroll(customer)
    r = login(client_api, customer)
    assert r.status_code == 200 and r.json()["mfa_required"] is True and "token" not in r.json()
    token = r.json()["mfa_token"]
    r = post(client_api, "/api/v1/auth/login/mfa", {"mfa_token": token, "code": totp_now(secret)})
    assert r.status_code == 200 and r.json()["token"].startswith("wdt_")
    r = post(client_api, "/api/v1/auth/login/mfa", {"mfa_token": token, "code": totp_now(secret)})
    assert r.status_code == 400  # the pending login is used


def test_totp_replay_is_refused(client_api, customer):
    secret, _ = _enroll(customer)
    code = totp_now(secret)
    first = login(client_api, customer).json()["mfa_token"]
    assert post(client_api, "/api/v1/auth/login/mfa", {"mfa_token": first, "code": code}).status_code == 200
    second = login(client_api, customer).json()["mfa_token"]
    r = post(client_api, "/api/v1/auth/login/mfa", {"mfa_token": second, "code": code})
    assert r.status_code == 400 and r.json()["code"] == "invalid_code"


def test_totp_window_is_one_step(client_api, customer):
    secret, _ = _enroll(customer)
    old = pyotp.TOTP(secret).at(clock.now().timestamp() - 30)
    token = login(client_api, customer).json()["mfa_token"]
    assert post(client_api, "/api/v1/auth/login/mfa", {"mfa_token": token, "code": old}).status_code == 200
    too_old = pyotp.TOTP(secret).at(clock.now().timestamp() - 95)
    token = login(client_api, customer).json()["mfa_token"]
    assert post(client_api, "/api/v1/auth/login/mfa",
                {"mfa_token": token, "code": too_old}).status_code == 400


def test_recovery_codes_work_once_and_are_hashed(client_api, customer):
    _secret, recovery = _enroll(customer)
    assert len(recovery) == 10
    stored = list(RecoveryCode.objects.filter(user=customer).values_list("code_hash", flat=True))
    assert all(r.replace("-", "") not in "".join(stored) for r in recovery)
    token = login(client_api, customer).json()["mfa_token"]
    assert post(client_api, "/api/v1/auth/login/mfa",
                {"mfa_token": token, "code": recovery[0].upper()}).status_code == 200
    token = login(client_api, customer).json()["mfa_token"]
    assert post(client_api, "/api/v1/auth/login/mfa",
                {"mfa_token": token, "code": recovery[0]}).status_code == 400


def test_pending_login_allows_five_tries_and_expires(client_api, customer):
    secret, _ = _enroll(customer)
    token = login(client_api, customer).json()["mfa_token"]
    for _ in range(5):
        post(client_api, "/api/v1/auth/login/mfa", {"mfa_token": token, "code": "000000"})
    assert post(client_api, "/api/v1/auth/login/mfa",
                {"mfa_token": token, "code": totp_now(secret)}).status_code == 400
    token = login(client_api, customer).json()["mfa_token"]
    clock.advance(minutes=6)
    assert post(client_api, "/api/v1/auth/login/mfa",
                {"mfa_token": token, "code": totp_now(secret)}).status_code == 400


def test_totp_secret_is_sealed(customer):
    secret, _ = _enroll(customer)
    assert secret not in TotpDevice.objects.get(user=customer).sealed_secret


def test_enrolling_needs_a_recent_authentication(api, customer):
    clock.advance(minutes=6)
    r = api.post("/api/v1/auth/mfa/totp")
    assert r.status_code == 403 and r.json()["code"] == "step_up_required"
    r = api.post("/api/v1/auth/step-up", {"password": "wrong"})
    assert r.status_code == 400
    assert api.post("/api/v1/auth/step-up", {"password": RIGHT}).status_code == 200
    r = api.post("/api/v1/auth/mfa/totp")
    assert r.status_code == 200
    code = pyotp.TOTP(r.json()["secret"]).at(clock.now().timestamp())
    r = api.post("/api/v1/auth/mfa/totp/confirm", {"code": code})
    assert r.status_code == 200 and len(r.json()["recovery_codes"]) == 10


def test_new_session_id_on_login_and_on_step_up(customer):
    c = Client()
    c.get("/login/")
    c.post("/login/", {"username": customer.email, "password": "wrong"})
    before = c.session.session_key
    r = c.post("/login/", {"username": customer.email, "password": RIGHT})
    assert r.status_code == 302
    after_login = c.session.session_key
    assert after_login and after_login != before
    r = c.post("/account/step-up/", {"password": RIGHT})
    assert r.status_code == 302
    assert c.session.session_key != after_login


def test_page_login_with_totp(customer):
    secret, _ = _enroll(customer)
    c = Client()
    r = c.post("/login/", {"username": customer.email, "password": RIGHT})
    assert r.status_code == 302 and "/account/login/verify/" in r["Location"]
    assert c.get("/wallet/").status_code == 302  # not logged in yet
    r = c.post("/account/login/verify/", {"code": totp_now(secret)})
    assert r.status_code == 302
    assert "_auth_user_id" in c.session


def test_totp_setup_on_the_page(customer):
    c = Client()
    c.post("/login/", {"username": customer.email, "password": RIGHT})
    r = c.get("/account/two-factor/")
    assert r.status_code == 200 and not TotpDevice.objects.exists()  # GET changes nothing
    c.post("/account/two-factor/", {"action": "begin"})
    secret = __import__("walletdesk.accounts.services.mfa", fromlist=["x"]).pending_secret(customer)
    r = c.post("/account/two-factor/", {"code": totp_now(secret)})
    assert r.status_code == 200 and b'data-testid="recovery-codes"' in r.content
    assert TotpDevice.objects.get(user=customer).confirmed_at is not None
