"""Verification inside the conversation: in-app, code to the contact on file, TOTP; expiry."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pyotp
import pytest

from walletdesk.accounts.models import SecurityEvent, TotpDevice
from walletdesk.accounts.services import mfa
from walletdesk.accounts.tests.fixtures import last_code
from walletdesk.casework.models import Verification
from walletdesk.core import clock
from walletdesk.support.models import Message

pytestmark = pytest.mark.security
SECRET = "JBSWY3DPEHPK3PXPCASEWORKTESTS234"


def start(case: Any, method: str | None = None) -> Any:
    body = {"method": method} if method is not None else {}
    return case.agent_api.post(f"/api/v1/support/conversations/{case.conv.pk}/verification", body)


def test_in_app_confirmation_by_the_logged_in_customer(make_case: Any) -> None:
    case = make_case(verified=False)
    r = start(case)
    assert r.status_code == 201, r.json()
    body = r.json()
    assert set(body) >= {"id", "status", "method", "expires_at"}
    assert body["status"] == "pending" and body["method"] == "in_app"
    seen = case.customer_api.get(f"/api/v1/support/conversations/{case.conv.pk}/verification")
    assert seen.json()["verification"]["id"] == body["id"]
    done = case.customer_api.post(f"/api/v1/support/verifications/{body['id']}/confirm")
    assert done.status_code == 200 and done.json()["status"] == "confirmed"
    events = list(Message.objects.filter(conversation=case.conv, kind="event")
                  .values_list("event", flat=True))
    assert "verification_requested" in events and "customer_verified" in events
    assert SecurityEvent.objects.filter(user=case.customer, kind="support_customer_verified").exists()


def test_agent_cannot_confirm_for_the_customer(make_case: Any, make_customer: Any) -> None:
    case = make_case(verified=False)
    vid = start(case).json()["id"]
    assert case.agent_api.post(f"/api/v1/support/verifications/{vid}/confirm").status_code == 404
    from walletdesk.casework.tests.conftest import client_for

    other = client_for(make_customer())
    assert other.post(f"/api/v1/support/verifications/{vid}/confirm").status_code == 404
    assert Verification.objects.get(pk=vid).status == "pending"


def test_code_to_the_contact_on_file(make_case: Any) -> None:
    case = make_case(verified=False)
    vid = start(case, "code").json()["id"]
    code = last_code(case.customer.email)
    wrong = case.customer_api.post(f"/api/v1/support/verifications/{vid}/confirm", {"code": "000000"})
    assert wrong.status_code == 400 and wrong.json()["code"] == "invalid_code"
    ok = case.customer_api.post(f"/api/v1/support/verifications/{vid}/confirm", {"code": code})
    assert ok.status_code == 200 and ok.json()["status"] == "confirmed"
    # The code is single use.
    again = case.customer_api.post(f"/api/v1/support/verifications/{vid}/confirm", {"code": code})
    assert again.status_code == 409


def test_totp_only_when_enrolled(make_case: Any) -> None:
    case = make_case(verified=False)
    r = start(case, "totp")
    assert r.status_code == 403 and r.json()["code"] == "verification_method_unavailable"
    TotpDevice.objects.create(user=case.customer, sealed_secret=mfa.seal(SECRET),
                              confirmed_at=clock.now())
    vid = start(case, "totp").json()["id"]
    bad = case.customer_api.post(f"/api/v1/support/verifications/{vid}/confirm", {"code": "123456"})
    assert bad.status_code == 422
    ok = case.customer_api.post(f"/api/v1/support/verifications/{vid}/confirm",
                                {"code": pyotp.TOTP(SECRET).now()})
    assert ok.status_code == 200 and ok.json()["status"] == "confirmed"


def test_unknown_method_and_security_questions_are_refused(make_case: Any) -> None:
    case = make_case(verified=False)
    for method in ("security_question", "mother_maiden_name", ""):
        r = start(case, method)
        assert r.status_code == 403 and r.json()["code"] == "verification_method_unavailable"
    assert not Verification.objects.filter(conversation=case.conv).exists()


def test_verification_expires_and_actions_need_it_again(make_case: Any, fund: Any) -> None:
    case = make_case()
    txn = fund(case.customer, 1000)
    assert case.act("trace_transaction", transaction_id=txn.public_id).status_code == 201
    with clock.frozen(clock.now() + timedelta(minutes=16)):
        r = case.act("trace_transaction", transaction_id=txn.public_id)
        assert r.status_code == 403 and r.json()["code"] == "verification_required"
        panel = case.agent_api.get(f"/api/v1/support/conversations/{case.conv.pk}/casework").json()
        assert panel["verified"] is False and panel["verification"]["status"] == "expired"


def test_a_pending_request_lapses(make_case: Any) -> None:
    case = make_case(verified=False)
    vid = start(case).json()["id"]
    with clock.frozen(clock.now() + timedelta(minutes=11)):
        r = case.customer_api.post(f"/api/v1/support/verifications/{vid}/confirm")
        assert r.status_code == 409 and r.json()["code"] == "verification_not_pending"


def test_a_new_request_replaces_the_pending_one(make_case: Any) -> None:
    case = make_case(verified=False)
    first = start(case).json()["id"]
    second = start(case).json()["id"]
    assert Verification.objects.get(pk=first).status == "cancelled"
    assert case.customer_api.post(f"/api/v1/support/verifications/{first}/confirm").status_code == 409
    assert case.customer_api.post(f"/api/v1/support/verifications/{second}/confirm").status_code == 200


def test_only_the_assigned_agent_may_ask(make_case: Any, make_staff: Any) -> None:
    case = make_case(verified=False)
    from walletdesk.casework.tests.conftest import client_for

    other = client_for(make_staff("supervisor").user)
    r = other.post(f"/api/v1/support/conversations/{case.conv.pk}/verification", {})
    assert r.status_code == 403 and r.json()["code"] == "not_your_conversation"
    colleague = client_for(make_staff("agent").user)  # not in their lists: as if it did not exist
    r = colleague.post(f"/api/v1/support/conversations/{case.conv.pk}/verification", {})
    assert r.status_code == 404 and r.json()["code"] == "conversation_not_found"
    assert not case.conv.verifications.exists()
    assert case.customer_api.post(f"/api/v1/support/conversations/{case.conv.pk}/verification",
                                  {}).json()["code"] == "not_an_agent"


def test_totp_guesses_are_limited(make_case: Any) -> None:
    case = make_case(verified=False)
    TotpDevice.objects.create(user=case.customer, sealed_secret=mfa.seal(SECRET),
                              confirmed_at=clock.now())
    vid = start(case, "totp").json()["id"]
    for _ in range(5):
        case.customer_api.post(f"/api/v1/support/verifications/{vid}/confirm", {"code": "000000"})
    assert Verification.objects.get(pk=vid).status == "cancelled"
    ok = case.customer_api.post(f"/api/v1/support/verifications/{vid}/confirm",
                                {"code": pyotp.TOTP(SECRET).now()})
    assert ok.status_code == 409


def test_a_guest_confirms_with_a_code_not_in_app(make_staff: Any, make_customer: Any) -> None:
    """Someone who cannot log in proves the contact (guest chat), then the agent's code."""
    from walletdesk.accounts.tests.fixtures import last_code
    from walletdesk.casework.tests.conftest import client_for
    from walletdesk.conftest import ApiClient
    from walletdesk.support.services import conversations, guest

    who = make_customer()
    opened = guest.open_guest(contact=who.email, topic="account_locked", message="locked out")
    conv = guest.verify(opened.conversation, last_code(who.email))
    agent = make_staff("agent")
    conversations.accept(agent, conv)
    staff = client_for(agent.user)
    anon = ApiClient()
    anon.client.defaults["HTTP_X_GUEST_TOKEN"] = opened.guest_token
    vid = staff.post(f"/api/v1/support/conversations/{conv.pk}/verification", {}).json()["id"]
    r = anon.post(f"/api/v1/support/verifications/{vid}/confirm")
    assert r.status_code == 403 and r.json()["code"] == "verification_method_unavailable"
    vid = staff.post(f"/api/v1/support/conversations/{conv.pk}/verification",
                     {"method": "code"}).json()["id"]
    other = ApiClient()  # no credential at all
    assert other.post(f"/api/v1/support/verifications/{vid}/confirm",
                      {"code": "123456"}).status_code == 401
    r = anon.post(f"/api/v1/support/verifications/{vid}/confirm",
                  {"code": last_code(who.email)})
    assert r.status_code == 200 and r.json()["status"] == "confirmed"


def _totp_at_clock() -> str:
    return pyotp.TOTP(SECRET).at(clock.now().timestamp())


def test_wrong_totp_codes_here_count_in_the_account_lockout(make_case: Any) -> None:
    """Issue 15: the chat's authenticator check is no side door. Wrong codes count in the
    account's TOTP lockout with those at login; once it pauses, the right code is refused
    unchecked and nothing else changes."""
    from walletdesk.accounts.models import FactorGuard

    case = make_case(verified=False)
    TotpDevice.objects.create(user=case.customer, sealed_secret=mfa.seal(SECRET),
                              confirmed_at=clock.now())
    first = start(case, "totp").json()["id"]
    for _ in range(4):
        r = case.customer_api.post(f"/api/v1/support/verifications/{first}/confirm",
                                   {"code": "000000"})
        assert r.status_code == 422 and r.json()["code"] == "invalid_code"
    guard = FactorGuard.objects.get(user=case.customer, factor="totp")
    assert guard.failures == 4 and guard.locked_until is None
    assert SecurityEvent.objects.filter(user=case.customer, kind="second_factor_failed",
                                        data__during="support_verification").count() == 4
    # A new request does not start the count again: the fifth wrong code pauses the factor.
    second = start(case, "totp").json()["id"]
    case.customer_api.post(f"/api/v1/support/verifications/{second}/confirm", {"code": "000001"})
    guard.refresh_from_db()
    assert guard.failures == 5 and guard.locked_until is not None

    third = start(case, "totp").json()["id"]
    before_step = TotpDevice.objects.get(user=case.customer).last_used_step
    events_before = SecurityEvent.objects.filter(user=case.customer).count()
    refused = case.customer_api.post(f"/api/v1/support/verifications/{third}/confirm",
                                     {"code": _totp_at_clock()})
    assert refused.status_code == 429 and refused.json()["code"] == "too_many_attempts"
    v = Verification.objects.get(pk=third)
    assert v.status == "pending" and v.attempts == 0 and v.confirmed_at is None
    assert TotpDevice.objects.get(user=case.customer).last_used_step == before_step  # unused
    assert SecurityEvent.objects.filter(user=case.customer).count() == events_before
    guard.refresh_from_db()
    assert guard.failures == 5
    assert not Message.objects.filter(conversation=case.conv, event="customer_verified").exists()

    # The same pause holds at login: the right password and code get no session.
    from django.test import Client

    from walletdesk.accounts.tests.fixtures import post
    from walletdesk.conftest import PASSWORD

    pending = post(Client(), "/api/v1/auth/login", {"login": case.customer.email,
                                                    "password": PASSWORD}).json()
    login = post(Client(), "/api/v1/auth/login/mfa", {"mfa_token": pending["mfa_token"],
                                                       "code": _totp_at_clock()})
    assert login.status_code == 400 and "token" not in login.json()

    # After the wait the right code verifies, and the count starts again.
    clock.advance(seconds=61)
    ok = case.customer_api.post(f"/api/v1/support/verifications/{third}/confirm",
                                {"code": _totp_at_clock()})
    assert ok.status_code == 200 and ok.json()["status"] == "confirmed"
    guard.refresh_from_db()
    assert guard.failures == 0 and guard.locked_until is None


def test_wrong_codes_at_login_count_here_too(make_case: Any) -> None:
    from django.test import Client

    from walletdesk.accounts.tests.fixtures import post
    from walletdesk.conftest import PASSWORD

    case = make_case(verified=False)
    TotpDevice.objects.create(user=case.customer, sealed_secret=mfa.seal(SECRET),
                              confirmed_at=clock.now())
    token = post(Client(), "/api/v1/auth/login", {"login": case.customer.email,
                                                  "password": PASSWORD}).json()["mfa_token"]
    for _ in range(5):
        post(Client(), "/api/v1/auth/login/mfa", {"mfa_token": token, "code": "000000"})
        if _ == 3:
            token = post(Client(), "/api/v1/auth/login", {
                "login": case.customer.email, "password": PASSWORD}).json()["mfa_token"]
    vid = start(case, "totp").json()["id"]
    r = case.customer_api.post(f"/api/v1/support/verifications/{vid}/confirm",
                               {"code": _totp_at_clock()})
    assert r.status_code == 429
    assert Verification.objects.get(pk=vid).status == "pending"
