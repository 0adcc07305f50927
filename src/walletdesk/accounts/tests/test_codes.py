"""Reset and unlock by code: single use, hashed, expiry, tries, sends, 2FA, sessions."""

import pyotp
import pytest
from django.db import connection
from django.test import Client

from walletdesk.accounts.models import AccountHold, ApiToken, OneTimeCode, User
from walletdesk.accounts.services import issue_token, security
from walletdesk.core import clock

from .fixtures import STRONG, last_code, messages_to, post, run_jobs

pytestmark = [pytest.mark.django_db, pytest.mark.security]
RIGHT = "correct horse battery staple 9"


def reset(client, login, code, password=STRONG, otp=None):
    body = {"login": login, "code": code, "new_password": password}
    if otp is not None:
        body["otp"] = otp
    return post(client, "/api/v1/auth/password-reset/confirm", body)


def ask(client, login, what="password-reset"):
    return post(client, f"/api/v1/auth/{what}", {"login": login})


def test_reset_by_email_code(client_api, customer):
    assert ask(client_api, customer.email).status_code == 202
    code = last_code(customer.email)
    assert 6 <= len(code) <= 8 and code.isdigit()
    assert reset(client_api, customer.email, code).status_code == 200
    assert User.objects.get(pk=customer.pk).check_password(STRONG)
    assert reset(client_api, customer.email, code, STRONG + "x").status_code == 400  # used


def test_reset_by_sms_code_lasts_ten_minutes(client_api, make_customer):
    user = make_customer(phone="+8613700137000")
    ask(client_api, "+8613700137000")
    code = last_code("+8613700137000")
    row = OneTimeCode.objects.get(user=user)
    assert row.channel == "sms" and (row.expires_at - row.created_at).total_seconds() == 600
    clock.advance(minutes=10, seconds=1)
    assert reset(client_api, "+8613700137000", code).json()["code"] == "invalid_code"


def test_email_code_lasts_fifteen_minutes(client_api, customer):
    ask(client_api, customer.email)
    code = last_code(customer.email)
    clock.advance(minutes=14, seconds=50)
    assert reset(client_api, customer.email, code).status_code == 200


def test_only_hashes_are_stored(client_api, customer):
    ask(client_api, customer.email)
    code = last_code(customer.email)
    row = OneTimeCode.objects.get(user=customer)
    assert code not in row.code_hash and len(row.code_hash) == 64
    with connection.cursor() as cur:
        for table in ("accounts_onetimecode", "accounts_securityevent", "core_job",
                      "notify_delivery"):
            cur.execute(f"SELECT * FROM {table}")
            assert code not in repr(cur.fetchall()), table


def test_five_tries_per_code(client_api, customer):
    ask(client_api, customer.email)
    code = last_code(customer.email)
    wrong = f"{(int(code) + 1) % 1000000:06d}"
    for _ in range(5):
        assert reset(client_api, customer.email, wrong).status_code == 400
    assert reset(client_api, customer.email, code).status_code == 400


def test_at_most_three_sends_an_hour(client_api, customer):
    for _ in range(5):
        assert ask(client_api, customer.email).status_code == 202
    run_jobs()  # the codes are issued by the accounts.send_code job
    assert OneTimeCode.objects.filter(user=customer).count() == 3
    clock.advance(hours=1, seconds=1)
    ask(client_api, customer.email)
    run_jobs()
    assert OneTimeCode.objects.filter(user=customer).count() == 4


def test_a_code_for_one_account_fails_for_another(client_api, customer, make_customer):
    other = make_customer("bob@example.com")
    ask(client_api, customer.email)
    ask(client_api, other.email)
    code = last_code(customer.email)
    assert reset(client_api, other.email, code).status_code == 400
    assert User.objects.get(pk=other.pk).check_password(RIGHT)


def test_a_newer_code_replaces_the_older(client_api, customer):
    ask(client_api, customer.email)
    first = last_code(customer.email)
    ask(client_api, customer.email)
    second = last_code(customer.email)
    if first != second:
        assert reset(client_api, customer.email, first).status_code == 400
    assert reset(client_api, customer.email, second).status_code == 200


def test_reset_ends_sessions_and_tokens_tells_every_address_and_holds_money(
        client_api, make_customer):
    user = make_customer("carol@example.com", phone="+8613600136000")
    token = issue_token(user)
    browser = Client()
    browser.force_login(user)
    assert browser.get("/account/checkup/").status_code == 200
    ask(client_api, user.email)
    assert reset(client_api, user.email, last_code(user.email)).status_code == 200
    assert ApiToken.objects.get(key_hash=ApiToken.digest(token)).revoked_at is not None
    assert browser.get("/account/checkup/").status_code == 302  # signed out
    r = client_api.get("/api/v1/security/events", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 401
    assert any("密码已修改" in m["body"] for m in messages_to("carol@example.com"))
    assert any("密码已修改" in m["body"] for m in messages_to("+8613600136000"))
    hold = AccountHold.objects.get(user=user, kind=AccountHold.Kind.AFTER_RESET)
    assert hold.until is not None
    assert round((hold.until - hold.created_at).total_seconds()) == 24 * 3600
    assert not hold.blocks_login


def _enroll(user):
    from walletdesk.accounts.auth_context import AuthContext, current

    tok = current.set(AuthContext(user.pk, clock.now(), "token"))
    try:
        secret, _ = security.begin_totp(user)
        recovery = security.confirm_totp(user, pyotp.TOTP(secret).at(clock.now().timestamp()))
    finally:
        current.reset(tok)
    clock.advance(seconds=95)  # later codes are new steps
    return secret, recovery


def test_reset_does_not_bypass_two_step(client_api, customer):
    secret, _ = _enroll(customer)
    ask(client_api, customer.email)
    code = last_code(customer.email)
    r = reset(client_api, customer.email, code)
    assert r.status_code == 403 and r.json()["code"] == "mfa_required"
    assert User.objects.get(pk=customer.pk).check_password(RIGHT)
    ask(client_api, customer.email)
    code = last_code(customer.email)
    assert reset(client_api, customer.email, code, otp="000000").status_code == 403
    ask(client_api, customer.email)
    code = last_code(customer.email)
    otp = pyotp.TOTP(secret).at(clock.now().timestamp())
    assert reset(client_api, customer.email, code, otp=otp).status_code == 200


def test_self_service_unlock(client_api, customer):
    for i in range(20):
        if i in (5, 10, 15):
            clock.advance(minutes=16)
        post(Client(), "/api/v1/auth/login", {"login": customer.email, "password": f"bad{i}"})
    assert AccountHold.objects.filter(user=customer, released_at__isnull=True).exists()
    assert ask(client_api, customer.email, "unlock").status_code == 202
    code = last_code(customer.email)
    r = post(client_api, "/api/v1/auth/unlock/confirm", {"login": customer.email, "code": code})
    assert r.status_code == 200
    assert post(client_api, "/api/v1/auth/login",
                {"login": customer.email, "password": RIGHT}).status_code == 200
    r = post(client_api, "/api/v1/auth/unlock/confirm", {"login": customer.email, "code": code})
    assert r.status_code == 400


def test_unlock_account_service_for_agents(customer, make_customer):
    from walletdesk.accounts.services import holds, unlock_account

    agent = make_customer("agent@example.com", role=User.Role.AGENT)
    holds.place(customer, AccountHold.Kind.SECURITY, "test")
    assert unlock_account(customer, by=agent) == 1
    hold = AccountHold.objects.get(user=customer)
    assert hold.released_by == agent


@pytest.mark.parametrize("code", ["", "12345", "123456789", "abcdef", "12 34 56", "١٢٣٤٥٦",
                                  "x" * 5000, "123456\x00"])
def test_malformed_codes_are_refused(client_api, customer, code):
    ask(client_api, customer.email)
    run_jobs()
    r = reset(client_api, customer.email, code)
    assert r.status_code in (400, 422)
    assert User.objects.get(pk=customer.pk).check_password(RIGHT)
    assert OneTimeCode.objects.get(user=customer).attempts == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_parallel_submissions_one_wins(customer):
    import threading

    from django.db import connections

    post(Client(), "/api/v1/auth/password-reset", {"login": customer.email})
    code = last_code(customer.email)
    results = []
    barrier = threading.Barrier(20)

    def submit(i):
        barrier.wait()
        r = reset(Client(), customer.email, code, password=f"{STRONG} {i}")
        results.append(r.status_code)
        connections.close_all()

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results).count(200) == 1 and results.count(400) == 19


def test_full_width_digits_are_normalized(client_api, customer):
    ask(client_api, customer.email)
    code = last_code(customer.email)
    wide = "".join(chr(ord(c) + 0xFEE0) for c in code)
    assert reset(client_api, customer.email, wide).status_code == 200
