"""Sign-up by code, the password policy and hashing."""

import pytest
from django.test import override_settings

from walletdesk.accounts import passwords
from walletdesk.accounts.models import OneTimeCode, User
from walletdesk.core import clock

from .fixtures import STRONG, last_code, messages_to, post

pytestmark = [pytest.mark.django_db, pytest.mark.security]


def test_sign_up_by_email_then_log_in(client_api):
    r = post(client_api, "/api/v1/auth/register", {"login": "New@Example.COM", "password": STRONG})
    assert r.status_code == 202
    user = User.objects.get(email="New@example.com")
    assert not user.is_active and user.verified_at is None
    r = post(client_api, "/api/v1/auth/login", {"login": "New@example.com", "password": STRONG})
    assert r.status_code == 401  # not verified yet: like a wrong password
    code = last_code("New@example.com")
    r = post(client_api, "/api/v1/auth/register/confirm", {"login": "New@example.com", "code": code})
    assert r.status_code == 200 and r.json()["token"].startswith("wdt_")
    r = post(client_api, "/api/v1/auth/login", {"login": "new@EXAMPLE.com", "password": STRONG})
    assert r.status_code == 200


def test_sign_up_by_mobile_gets_an_sms_code(client_api):
    r = post(client_api, "/api/v1/auth/register", {"login": "+86 138 0013 9999", "password": STRONG})
    assert r.status_code == 202
    msgs = messages_to("+8613800139999")
    assert msgs[0]["channel"] == "sms"
    r = post(client_api, "/api/v1/auth/register/confirm",
             {"login": "+8613800139999", "code": last_code("+8613800139999")})
    assert r.status_code == 200
    assert User.objects.get(phone="+8613800139999").is_active


def test_existing_owner_is_told_and_nothing_changes(client_api, customer):
    before = User.objects.get(pk=customer.pk).password
    r = post(client_api, "/api/v1/auth/register", {"login": customer.email, "password": STRONG})
    assert r.status_code == 202
    assert User.objects.get(pk=customer.pk).password == before
    assert "尝试用这个已有账户的地址注册" in messages_to(customer.email)[0]["body"]


def test_a_squatter_cannot_keep_a_pending_address(client_api):
    post(client_api, "/api/v1/auth/register", {"login": "x@example.com", "password": STRONG})
    post(client_api, "/api/v1/auth/register", {"login": "x@example.com", "password": STRONG + "!"})
    code = last_code("x@example.com")
    assert post(client_api, "/api/v1/auth/register/confirm",
                {"login": "x@example.com", "code": code}).status_code == 200
    assert User.objects.get(email="x@example.com").check_password(STRONG + "!")


@pytest.mark.parametrize("password, reason", [
    ("short1", "at least 10"),
    ("x" * 129, "at most 128"),
    ("password123", "common"),
    ("aaaaaaaaaaaa", "Repeats"),
    ("alice.wong2024", "too close"),
])
def test_weak_passwords_are_refused_with_a_reason(client_api, password, reason):
    r = post(client_api, "/api/v1/auth/register",
             {"login": "alice.wong@example.com", "password": password}, **{"Accept-Language": "en"})
    assert r.status_code == 422
    assert r.json()["code"] == "weak_password"
    assert reason in r.json()["message"]
    assert not User.objects.filter(email="alice.wong@example.com").exists()


def test_weak_password_reason_is_translated(client_api):
    r = post(client_api, "/api/v1/auth/register", {"login": "a@example.com", "password": "short"},
             **{"Accept-Language": "zh-hans"})
    assert r.json()["code"] == "weak_password"
    assert "10" in r.json()["message"] and "characters" not in r.json()["message"]


def test_passwords_are_nfkc_normalized():
    # Full-width letters and a ligature normalize to the plain ones.
    assert passwords.normalize("ｐａｓｓ ﬁve") == "pass five"
    user = User.objects.create_user("n@example.com", "ｖｉｏｌｅｔ otter juggles 42")
    assert user.check_password("violet otter juggles 42")


@pytest.mark.parametrize("login", ["", "x" * 300 + "@example.com", "not-an-address", "+0123",
                                   "12345", "a@b", "<script>@x.com"])
def test_malformed_logins_are_refused_and_nothing_is_written(client_api, login):
    r = post(client_api, "/api/v1/auth/register", {"login": login, "password": STRONG})
    assert r.status_code == 422
    assert r.json()["code"] in {"invalid_login", "invalid_input"}
    assert User.objects.count() == 0 and OneTimeCode.objects.count() == 0


def test_wrong_content_type_is_refused(client_api):
    r = client_api.post("/api/v1/auth/register", "login=a@example.com&password=x",
                        content_type="application/x-www-form-urlencoded")
    assert r.status_code == 415 and r.json()["code"] == "unsupported_media_type"
    r = client_api.post("/api/v1/auth/register", "{not json", content_type="application/json")
    assert r.status_code in (400, 422)
    assert User.objects.count() == 0


def test_sign_up_code_expires(client_api):
    post(client_api, "/api/v1/auth/register", {"login": "late@example.com", "password": STRONG})
    code = last_code("late@example.com")
    clock.advance(minutes=15, seconds=1)
    r = post(client_api, "/api/v1/auth/register/confirm", {"login": "late@example.com", "code": code})
    assert r.status_code == 400 and r.json()["code"] == "invalid_code"


def test_hash_is_argon2id_and_rehashed_when_parameters_change(real_hashing, customer):
    from django.contrib.auth.hashers import Argon2PasswordHasher

    assert customer.password.startswith("argon2$argon2id$")

    class Cheaper(Argon2PasswordHasher):
        time_cost = 1
        memory_cost = 1024
        parallelism = 1

    import walletdesk.accounts.tests.test_signup as me

    setattr(me, "Cheaper", Cheaper)  # importable by dotted path
    with override_settings(PASSWORD_HASHERS=["walletdesk.accounts.tests.test_signup.Cheaper"]):
        old = User.objects.get(pk=customer.pk).password
        client = __import__("django.test", fromlist=["Client"]).Client()
        r = post(client, "/api/v1/auth/login", {"login": customer.email,
                                                "password": "correct horse battery staple 9"})
        assert r.status_code == 200
        new = User.objects.get(pk=customer.pk).password
        assert new != old and "m=1024,t=1,p=1" in new


def test_stale_sign_ups_are_purged(client_api, customer):
    from walletdesk.accounts.tasks import purge_stale_sign_ups

    post(client_api, "/api/v1/auth/register", {"login": "stale@example.com", "password": STRONG})
    clock.advance(days=8)
    purge_stale_sign_ups()
    assert not User.objects.filter(email="stale@example.com").exists()
    assert User.objects.filter(pk=customer.pk).exists()
