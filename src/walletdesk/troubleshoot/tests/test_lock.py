"""The lock troubleshooter for a logged-in customer: each lock state gives its own
finding and exactly the path that works now."""

from __future__ import annotations

from datetime import timedelta

import pytest

from walletdesk.accounts import services as accounts
from walletdesk.accounts.models import AccountHold
from walletdesk.accounts.services import holds, lockout
from walletdesk.accounts.tests.fixtures import STRONG, last_code, run_jobs
from walletdesk.core import clock
from walletdesk.troubleshoot import services, texts

pytestmark = [pytest.mark.django_db, pytest.mark.security]


def fail(user, times):
    for _ in range(times):
        lockout.register_failure(user)


def codes(d):
    return [f.code for f in d.findings]


def test_not_locked(customer):
    d = services.diagnose(customer, "lock")
    assert codes(d) == ["lock.not_locked"]
    assert d.next_step.code == "step.none"


@pytest.mark.parametrize("failures, tier, minutes", [(5, 1, 1), (10, 2, 5), (15, 3, 15)])
def test_lockout_tiers_say_wait_until_when(customer, failures, tier, minutes):
    fail(customer, failures)
    d = services.diagnose(customer, "lock")
    finding = next(f for f in d.findings if f.code == "lock.tier")
    assert finding.params["tier"] == tier
    assert finding.params["failures"] == failures
    assert finding.params["minutes"] == minutes
    assert finding.params["until"] == clock.now() + timedelta(minutes=minutes)
    assert d.next_step.code == "step.wait"
    assert d.next_step.params["minutes"] == minutes
    assert [a.code for a in d.alternatives] == ["step.unlock_by_code"]


def test_lockout_is_over_once_the_time_has_passed(customer):
    fail(customer, 5)
    clock.advance(61)
    d = services.diagnose(customer, "lock")
    assert codes(d) == ["lock.not_locked"]


def test_security_hold_after_20_failures_needs_the_unlock_code(customer):
    fail(customer, 20)
    d = services.diagnose(customer, "lock")
    hold = next(f for f in d.findings if f.code == "lock.security_hold")
    assert hold.params["limit"] == 20 and hold.params["hours"] == 12
    assert d.next_step.code == "step.unlock_by_code"
    assert [a.code for a in d.alternatives] == ["step.talk_to_person"]


def test_frozen_account_unlocks_by_code_then_asks_for_a_new_password(customer):
    accounts.freeze(customer, reason="this was not me")
    customer.refresh_from_db()
    d = services.diagnose(customer, "lock")
    assert "lock.frozen" in codes(d)
    assert "lock.must_change_password" in codes(d)
    assert d.next_step.code == "step.unlock_by_code"


def test_risk_hold_unlocks_by_code(customer):
    holds.place(customer, AccountHold.Kind.RISK, "risk rules")
    d = services.diagnose(customer, "lock")
    assert "lock.risk_hold" in codes(d)
    assert d.next_step.code == "step.unlock_by_code"


def test_after_a_reset_only_time_helps(customer):
    accounts.request_code(None, customer.email, "reset")
    accounts.confirm_reset(None, customer.email, last_code(customer.email), STRONG)
    customer.refresh_from_db()
    d = services.diagnose(customer, "lock")
    finding = next(f for f in d.findings if f.code == "lock.after_reset")
    assert finding.params["until"] == clock.now() + timedelta(hours=24)
    assert d.next_step.code == "step.wait_outgoing"
    assert d.next_step.params["minutes"] == 24 * 60
    assert "step.unlock_by_code" not in [a.code for a in d.alternatives]


def test_second_factor_is_mentioned_when_enrolled(customer, monkeypatch):
    from walletdesk.accounts.services import mfa

    monkeypatch.setattr(mfa, "has_mfa", lambda user: True)  # the module the diagnosis calls
    fail(customer, 20)
    assert "lock.needs_second_factor" in codes(services.diagnose(customer, "lock"))


def test_no_unlock_code_left_this_hour_says_when_the_next_one_can_be_sent(customer):
    fail(customer, 20)
    first = clock.now()
    for minutes in (0, 10, 20):
        with clock.frozen(first + timedelta(minutes=minutes)):
            accounts.request_code(None, customer.email, "unlock")
            run_jobs()  # the code is issued by the accounts.send_code job
    # The last code (sent at +20 min, 15 minutes by email) still works until +35 min.
    with clock.frozen(first + timedelta(minutes=30)):
        d = services.diagnose(customer, "lock")
    assert d.next_step.code == "step.use_sent_code"
    assert d.next_step.params["until"] == first + timedelta(minutes=35)
    with clock.frozen(first + timedelta(minutes=40)):
        d = services.diagnose(customer, "lock")
    limit = next(f for f in d.findings if f.code == "lock.code_limit")
    assert limit.params["until"] == first + timedelta(hours=1)
    assert d.next_step.code == "step.wait_for_code"
    assert d.next_step.params["minutes"] == 20


def test_unlocking_with_the_code_clears_the_diagnosis(customer):
    fail(customer, 20)
    accounts.request_code(None, customer.email, "unlock")
    accounts.confirm_unlock(None, customer.email, last_code(customer.email))
    assert codes(services.diagnose(customer, "lock")) == ["lock.not_locked"]


def test_inactive_account_goes_to_a_person(make_customer):
    user = make_customer(is_active=False)
    d = services.diagnose(user, "lock")
    assert codes(d) == ["lock.inactive"]
    assert d.next_step.code == "step.talk_to_person"


def test_diagnosing_changes_nothing(customer):
    fail(customer, 20)
    before = (list(AccountHold.objects.values()), customer.login_guard.failures)
    services.diagnose(customer, "lock")
    assert (list(AccountHold.objects.values()), customer.login_guard.failures) == before


def test_rendered_in_both_languages(customer):
    from django.utils import translation

    fail(customer, 10)
    d = services.diagnose(customer, "lock")
    with translation.override("en"):
        en = texts.summary(d)
    with translation.override("zh-hans"):
        zh = texts.summary(d)
    assert "10 wrong passwords" in en and "step 2 of 3" in en
    assert "10" in zh and "wrong passwords" not in zh


def test_api_for_a_logged_in_customer(api, customer):
    fail(customer, 15)
    r = api.get("/api/v1/troubleshoot/lock")
    assert r.status_code == 200
    body = r.json()
    assert body["problem"] == "lock"
    tier = next(f for f in body["findings"] if f["code"] == "lock.tier")
    assert tier["params"]["tier"] == 3 and tier["text"]
    assert body["next_step"]["code"] == "step.wait"


def test_a_security_hold_hides_the_short_pause_it_outlasts(customer):
    fail(customer, 20)
    d = services.diagnose(customer, "lock")
    assert "lock.tier" not in codes(d)
    assert codes(d)[0] == "lock.security_hold"


@pytest.mark.parametrize("kind", ["security", "frozen", "risk"])
def test_the_code_path_it_offers_really_ends_that_hold(customer, kind):
    """If accounts ever stops releasing a kind on self-service unlock, this fails."""
    holds.place(customer, kind, "test")
    assert services.diagnose(customer, "lock").next_step.code == "step.unlock_by_code"
    accounts.request_code(None, customer.email, "unlock")
    accounts.confirm_unlock(None, customer.email, last_code(customer.email))
    assert codes(services.diagnose(customer, "lock")) == ["lock.not_locked"]
