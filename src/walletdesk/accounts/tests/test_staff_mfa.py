"""Staff sign in with a second factor (issue 15, deliver 6; ADR 0100): agents, senior agents,
supervisors and admins (and anyone who can open the back office) get no session and no token
from a password alone; the authenticator code is checked once, through the same per-account
lockout as customers' two-step login."""

from __future__ import annotations

import io
import json
from typing import Any

import pyotp
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from walletdesk.accounts.models import (
    ApiToken,
    Device,
    FactorGuard,
    LoginGuard,
    PendingLogin,
    SecurityEvent,
    TotpDevice,
    User,
)
from walletdesk.accounts.services import mfa
from walletdesk.conftest import PASSWORD, fresh_totp, staff_login
from walletdesk.core import clock

from .fixtures import post

pytestmark = [pytest.mark.django_db, pytest.mark.security]
STAFF = ["agent", "senior_agent", "supervisor", "admin"]


def code_now(secret: str) -> str:
    return pyotp.TOTP(secret).at(clock.now().timestamp())


def password_step(user: User, password: str = PASSWORD) -> Any:
    return post(Client(), "/api/v1/auth/login", {"login": user.email, "password": password})


def mfa_step(token: str, code: str) -> Any:
    return post(Client(), "/api/v1/auth/login/mfa", {"mfa_token": token, "code": code})


def _nothing_for(user: User) -> None:
    """No token, no remembered device, no last login, no lockout success recorded."""
    user.refresh_from_db()
    assert not ApiToken.objects.filter(user=user).exists()
    assert not Device.objects.filter(user=user).exists()
    assert user.last_login is None
    assert not SecurityEvent.objects.filter(user=user, kind="login").exists()


@pytest.mark.parametrize("role", STAFF)
def test_staff_without_a_second_factor_get_no_token_and_no_session(make_customer: Any,
                                                                    role: str) -> None:
    user = make_customer(f"{role}@example.com", role=role, language="en")
    r = password_step(user)
    assert r.status_code == 403 and r.json()["code"] == "second_factor_not_set_up"
    assert "token" not in r.json() and "mfa_token" not in r.json()
    assert not PendingLogin.objects.filter(user=user).exists()
    page = Client()
    r = page.post("/login/", {"username": user.email, "password": PASSWORD})
    assert r.status_code == 200 and "_auth_user_id" not in page.session
    assert "two-step verification" in r.content.decode() or "两步验证" in r.content.decode()
    assert not page.login(username=user.email, password=PASSWORD)  # the password backend too
    _nothing_for(user)
    assert SecurityEvent.objects.filter(user=user, kind="login_without_second_factor").count() == 2
    # A right password is not a failure: nothing is counted against the account.
    assert not LoginGuard.objects.filter(user=user, failures__gt=0).exists()


def test_back_office_users_need_it_too_and_customers_and_merchants_do_not(
        make_customer: Any) -> None:
    staff = make_customer("office@example.com", is_staff=True)
    assert password_step(staff).json()["code"] == "second_factor_not_set_up"
    for role in ("customer", "merchant"):
        user = make_customer(f"{role}@example.com", role=role)
        assert password_step(user).json()["token"].startswith("wdt_")


@pytest.mark.parametrize("role", STAFF)
def test_staff_sign_in_with_password_then_code(make_staff_user: Any, role: str) -> None:
    user, secret = make_staff_user(role)
    first = password_step(user)
    assert first.status_code == 200 and first.json()["mfa_required"] is True
    assert "totp" in first.json()["methods"] and "token" not in first.json()
    done = mfa_step(first.json()["mfa_token"], fresh_totp(secret, clock.now().timestamp()))
    assert done.status_code == 200 and done.json()["token"].startswith("wdt_")
    assert done.json()["role"] == role
    page = Client()
    r = staff_login(page, user, secret, api=False)
    assert r.status_code == 302 and r["Location"] == "/support/console/"
    assert page.session["_auth_user_id"] == str(user.pk)


def test_a_wrong_code_is_refused_and_changes_nothing(make_staff_user: Any) -> None:
    user, secret = make_staff_user("supervisor")
    first = password_step(user).json()["mfa_token"]
    step_before = TotpDevice.objects.get(user=user).last_used_step
    r = mfa_step(first, "000000")
    assert r.status_code == 400 and r.json()["code"] == "invalid_code" and "token" not in r.json()
    _nothing_for(user)
    assert TotpDevice.objects.get(user=user).last_used_step == step_before
    page = Client()
    page.post("/login/", {"username": user.email, "password": PASSWORD})
    r = page.post("/account/login/verify/", {"code": "123456" if code_now(secret) != "123456" else "654321"})
    assert r.status_code == 200 and "_auth_user_id" not in page.session
    _nothing_for(user)
    assert FactorGuard.objects.get(user=user, factor="totp").failures == 2  # counted, per account
    # The same pending login still takes the right code.
    assert mfa_step(first, code_now(secret)).status_code == 200


def test_a_code_is_used_once(make_staff_user: Any) -> None:
    user, secret = make_staff_user("agent")
    code = code_now(secret)
    assert mfa_step(password_step(user).json()["mfa_token"], code).status_code == 200
    again = mfa_step(password_step(user).json()["mfa_token"], code)
    assert again.status_code == 400 and "token" not in again.json()
    assert ApiToken.objects.filter(user=user).count() == 1


def test_wrong_codes_lock_the_factor_like_a_customers(make_staff_user: Any) -> None:
    user, secret = make_staff_user("agent")
    token = password_step(user).json()["mfa_token"]
    for i in range(5):
        if i == 4:
            token = password_step(user).json()["mfa_token"]  # a login token takes 5 tries
        assert mfa_step(token, f"00000{i}").status_code == 400
    guard = FactorGuard.objects.get(user=user, factor="totp")
    assert guard.failures == 5 and guard.locked_until is not None
    assert SecurityEvent.objects.filter(user=user, kind="second_factor_failed").count() == 5
    paused = mfa_step(password_step(user).json()["mfa_token"], code_now(secret))
    assert paused.status_code == 400 and "token" not in paused.json()  # refused unchecked
    _nothing_for(user)
    clock.advance(seconds=61)
    assert mfa_step(password_step(user).json()["mfa_token"], code_now(secret)).status_code == 200
    assert FactorGuard.objects.get(user=user, factor="totp").failures == 0


def test_staff_cannot_turn_off_their_only_second_factor(make_staff_user: Any) -> None:
    user, secret = make_staff_user("agent")
    token = staff_login(Client(), user, secret).json()["token"]
    r = Client().post("/api/v1/auth/mfa/totp/disable", "{}", content_type="application/json",
                      headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 403 and r.json()["code"] == "second_factor_still_needed"
    assert mfa.has_totp(user) and not SecurityEvent.objects.filter(
        user=user, kind="mfa_disabled").exists()


def test_staff_totp_command_sets_up_an_authenticator(make_customer: Any) -> None:
    user = make_customer("new.agent@example.com", role="agent")
    out = io.StringIO()
    call_command("staff_totp", user.email, stdout=out)
    secret = out.getvalue().split("shown once; hand it over in person):\n  ")[1].split()[0]
    assert "otpauth://totp/" in out.getvalue() and out.getvalue().count("-") >= 10
    assert staff_login(Client(), user, secret).status_code == 200
    with pytest.raises(CommandError, match="already has"):
        call_command("staff_totp", user.email, stdout=io.StringIO())
    with pytest.raises(CommandError, match="No staff account"):
        call_command("staff_totp", make_customer().email, stdout=io.StringIO())
    # A lost phone: a new key; the old key and every token end.
    call_command("staff_totp", user.email, "--replace", stdout=io.StringIO())
    assert not ApiToken.objects.filter(user=user, revoked_at__isnull=True).exists()
    later = password_step(user).json()["mfa_token"]
    assert mfa_step(later, fresh_totp(secret, clock.now().timestamp())).status_code == 400


def test_seed_demo_gives_every_staff_login_a_totp_secret_and_demo_code_prints_its_code() -> None:
    out = io.StringIO()
    call_command("seed_demo", "--json", stdout=out)
    logins = json.loads(out.getvalue())
    staff = [e for e in logins if e["role"] in STAFF]
    assert {e["role"] for e in staff} == set(STAFF)
    for entry in staff:
        assert len(entry["totp_secret"]) >= 16 and entry["password"] and entry["login"]
    assert all(e.get("employee_id") for e in staff if e["role"] != "admin")
    again = io.StringIO()
    call_command("seed_demo", "--json", stdout=again)  # run again: the same keys
    assert {e["login"]: e.get("totp_secret") for e in json.loads(again.getvalue())} == {
        e["login"]: e.get("totp_secret") for e in logins}
    chen = next(e for e in staff if e["login"] == "chen.jing@walletdesk.example")
    printed = io.StringIO()
    call_command("demo_code", chen["login"], stdout=printed)
    code = printed.getvalue().split()[0]
    assert code == code_now(chen["totp_secret"])
    user = User.objects.get(email=chen["login"])
    token = post(Client(), "/api/v1/auth/login", {"login": user.email,
                                                  "password": chen["password"]}).json()
    assert mfa_step(token["mfa_token"], code).status_code == 200
    with pytest.raises(CommandError, match="not a demo login"):
        call_command("demo_code", "someone@example.com", stdout=io.StringIO())


def test_demo_code_refuses_in_production(settings: Any) -> None:
    settings.PRODUCTION = True
    settings.ALLOW_DEMO_IN_PRODUCTION = False
    with pytest.raises(CommandError, match="refuses"):
        call_command("demo_code", "chen.jing@walletdesk.example", stdout=io.StringIO())
