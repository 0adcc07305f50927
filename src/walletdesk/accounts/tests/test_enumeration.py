"""No enumeration: the same status, body and headers for an existing, a missing and a
locked account on login, reset, unlock and register; a small timing gap."""

import statistics
import time

import pytest
from django.test import Client

from walletdesk.accounts.models import AccountHold
from walletdesk.accounts.services import holds

from .fixtures import STRONG, post

pytestmark = [pytest.mark.django_db, pytest.mark.security]


def same(responses):
    first = responses[0]
    for r in responses[1:]:
        assert r.status_code == first.status_code
        assert r.content == first.content
        assert sorted(r.headers.items()) == sorted(first.headers.items())


@pytest.fixture
def accounts(make_customer):
    existing = make_customer("here@example.com")
    locked = make_customer("locked@example.com")
    holds.place(locked, AccountHold.Kind.SECURITY, "test")
    return [existing.email, "missing@example.com", locked.email]


@pytest.mark.parametrize("path, body", [
    ("/api/v1/auth/login", {"password": "some wrong password"}),
    ("/api/v1/auth/password-reset", {}),
    ("/api/v1/auth/unlock", {}),
    ("/api/v1/auth/register", {"password": STRONG}),
    ("/api/v1/auth/password-reset/confirm", {"code": "123456", "new_password": STRONG}),
    ("/api/v1/auth/unlock/confirm", {"code": "123456"}),
    ("/api/v1/auth/register/confirm", {"code": "123456"}),
])
def test_same_answer_for_existing_missing_and_locked(accounts, path, body):
    same([post(Client(), path, {"login": login, **body}) for login in accounts])


def test_same_answer_for_a_locked_account_with_the_right_password(accounts):
    from .test_codes import RIGHT

    right_locked = post(Client(), "/api/v1/auth/login", {"login": accounts[2], "password": RIGHT})
    wrong = post(Client(), "/api/v1/auth/login", {"login": accounts[0], "password": "nope nope"})
    same([right_locked, wrong])


@pytest.mark.parametrize("path, body", [
    ("/api/v1/auth/login", {"password": "some wrong password"}),
    ("/api/v1/auth/password-reset", {}),
])
def test_small_timing_gap(real_hashing, accounts, path, body):
    """Medians over many samples stay within a generous factor (a loaded 2-core machine)."""
    def sample(login):
        t = time.perf_counter()
        post(Client(), path, {"login": login, **body})
        return time.perf_counter() - t

    for login in accounts[:2]:
        sample(login)  # warm up
    times: dict[str, list[float]] = {login: [] for login in accounts[:2]}
    for _ in range(15):
        for login in accounts[:2]:
            times[login].append(sample(login))
    here, missing = (statistics.median(times[a]) for a in accounts[:2])
    assert max(here, missing) <= 3 * min(here, missing) + 0.02, (here, missing)
