"""Every secret a person types has its own failure count with the lockout tiers (issue 15,
findings 1, 2 and 4): TOTP, recovery codes, step-up and codes sent by message; a right
password clears nothing before the second factor passed; parallel guesses take turns."""

from __future__ import annotations

import threading
from typing import Any

import pyotp
import pytest
from django.db import connection
from django.test import Client

from walletdesk.accounts import services
from walletdesk.accounts.errors import InvalidCredentials
from walletdesk.accounts.models import AccountHold, FactorGuard, LoginGuard, SecurityEvent, User
from walletdesk.core import clock

from .fixtures import last_code, messages_to, post
from .test_codes import RIGHT, _enroll, ask, reset

pytestmark = [pytest.mark.security]
WRONG_TOTP = "000000"


def totp_now(secret: str) -> str:
    return pyotp.TOTP(secret).at(clock.now().timestamp())


def password_step(user: User, password: str = RIGHT) -> Any:
    return post(Client(), "/api/v1/auth/login", {"login": user.email, "password": password})


def mfa_step(token: str, code: str) -> Any:
    return post(Client(), "/api/v1/auth/login/mfa", {"mfa_token": token, "code": code})


def wrong_totps(user: User, n: int) -> None:
    """n wrong authenticator codes, over as many login tokens as needed (a token allows 5)."""
    token = password_step(user).json()["mfa_token"]
    for i in range(n):
        if i and i % 4 == 0:
            token = password_step(user).json()["mfa_token"]
        assert mfa_step(token, WRONG_TOTP).status_code == 400


def _totp_notices(user: User) -> list[dict[str, str]]:
    return [m for m in messages_to(user.email) if "验证" in m["subject"] and "错误" in m["subject"]]


@pytest.mark.django_db
def test_totp_guesses_are_counted_per_account_across_login_tokens(customer: User) -> None:
    secret, _ = _enroll(customer)
    wrong_totps(customer, 5)
    token = password_step(customer).json()["mfa_token"]
    r = mfa_step(token, totp_now(secret))
    assert r.status_code == 400 and r.json()["code"] == "invalid_code"  # paused: unchecked
    guard = FactorGuard.objects.get(user=customer, factor="totp")
    assert guard.failures == 5 and guard.locked_until is not None
    assert len(_totp_notices(customer)) == 1  # the owner is told
    clock.advance(seconds=61)
    token = password_step(customer).json()["mfa_token"]
    assert mfa_step(token, totp_now(secret)).status_code == 200
    assert FactorGuard.objects.get(user=customer, factor="totp").failures == 0


@pytest.mark.django_db
def test_owner_is_told_once_per_episode_and_twenty_is_a_hold(customer: User) -> None:
    _enroll(customer)
    for _tier, wait in ((5, 61), (5, 301), (5, 901)):
        wrong_totps(customer, 5)
        clock.advance(seconds=wait)
    assert len(_totp_notices(customer)) == 1
    wrong_totps(customer, 4)
    assert not AccountHold.objects.filter(user=customer).exists()
    wrong_totps(customer, 1)
    assert AccountHold.objects.get(user=customer).kind == AccountHold.Kind.SECURITY
    assert password_step(customer).status_code == 401  # held until unlocked


@pytest.mark.django_db
def test_right_password_does_not_clear_the_second_factor_count(customer: User) -> None:
    secret, _ = _enroll(customer)
    wrong_totps(customer, 4)
    assert password_step(customer).status_code == 200  # right password, second step next
    wrong_totps(customer, 1)
    token = password_step(customer).json()["mfa_token"]
    assert mfa_step(token, totp_now(secret)).status_code == 400


@pytest.mark.django_db
def test_no_success_is_recorded_before_the_second_factor(customer: User) -> None:
    _enroll(customer)
    for i in range(4):
        assert password_step(customer, f"wrong {i}").status_code == 401
    assert password_step(customer).status_code == 200  # only the first step
    assert LoginGuard.objects.get(user=customer).failures == 4
    assert password_step(customer, "wrong again").status_code == 401
    assert password_step(customer).status_code == 401  # the fifth failure locked it


@pytest.mark.django_db
def test_recovery_code_guesses_have_their_own_count(customer: User) -> None:
    secret, recovery = _enroll(customer)
    token = password_step(customer).json()["mfa_token"]
    for i in range(5):
        if i == 4:
            token = password_step(customer).json()["mfa_token"]
        assert mfa_step(token, f"aaaaa-bbbb{i}").status_code == 400
    token = password_step(customer).json()["mfa_token"]
    assert mfa_step(token, recovery[0]).status_code == 400  # recovery codes paused
    assert FactorGuard.objects.get(user=customer, factor="recovery_code").failures == 5
    assert mfa_step(token, totp_now(secret)).status_code == 200  # the app still works


@pytest.mark.django_db
def test_step_up_with_totp_is_limited(customer: User) -> None:
    secret, _ = _enroll(customer)
    login_token = password_step(customer).json()["mfa_token"]
    bearer = mfa_step(login_token, totp_now(secret)).json()["token"]
    c = Client(headers={"Authorization": f"Bearer {bearer}"})
    for _ in range(5):
        r = post(c, "/api/v1/auth/step-up", {"otp": WRONG_TOTP})
        assert r.status_code == 400
    clock.advance(seconds=31)
    r = post(c, "/api/v1/auth/step-up", {"otp": totp_now(secret)})
    assert r.status_code == 429 and r.json()["code"] == "too_many_attempts"
    assert int(r.headers["Retry-After"]) > 0
    clock.advance(seconds=31)
    assert post(c, "/api/v1/auth/step-up", {"otp": totp_now(secret)}).status_code == 200


@pytest.mark.django_db
def test_step_up_with_password_counts_as_a_password_guess(customer: User) -> None:
    bearer = password_step(customer).json()["token"]
    c = Client(headers={"Authorization": f"Bearer {bearer}"})
    for _ in range(5):
        assert post(c, "/api/v1/auth/step-up", {"password": "nope"}).status_code == 400
    r = post(c, "/api/v1/auth/step-up", {"password": RIGHT})
    assert r.status_code == 429
    assert password_step(customer).status_code == 401  # the same secret, the same count
    assert SecurityEvent.objects.filter(user=customer, kind="step_up").count() == 0


@pytest.mark.django_db
def test_message_code_guesses_are_counted_across_new_codes(client_api: Client,
                                                           customer: User) -> None:
    ask(client_api, customer.email)
    for _ in range(4):
        assert reset(client_api, customer.email, "11111111"[:6]).status_code == 400
    ask(client_api, customer.email)  # a fresh code does not bring fresh guesses
    assert reset(client_api, customer.email, "222222").status_code == 400
    code = last_code(customer.email)
    assert reset(client_api, customer.email, code).status_code == 400
    assert customer.check_password(RIGHT)  # nothing changed
    customer.refresh_from_db()
    assert customer.check_password(RIGHT)
    clock.advance(seconds=61)
    assert reset(client_api, customer.email, code).status_code == 200


@pytest.mark.postgres
def test_parallel_wrong_passwords_are_checked_exactly_up_to_the_tier(
        transactional_db: Any) -> None:
    user = User.objects.create_user("burst@example.com", RIGHT)
    n = 60
    barrier = threading.Barrier(n)
    refused: list[bool] = []

    def guess(i: int) -> None:
        try:
            barrier.wait()
            services.check_password_login(None, user.email, f"wrong {i}")
        except InvalidCredentials:
            refused.append(True)
        finally:
            connection.close()

    threads = [threading.Thread(target=guess, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(refused) == n
    guard = LoginGuard.objects.get(user=user)
    assert guard.failures == 5 and guard.locked_until is not None  # the first tier, no more
    assert SecurityEvent.objects.filter(user=user, kind="login_failed").count() == 5
    assert not AccountHold.objects.filter(user=user).exists()
