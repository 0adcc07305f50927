"""Risk rules on outgoing money fire as specified; every decision is stored with reasons."""

import uuid
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from walletdesk.accounts.auth_context import AuthContext, current
from walletdesk.accounts.models import AccountHold
from walletdesk.accounts.services import holds, security
from walletdesk.core import clock
from walletdesk.risk.models import RiskDecision, RiskRule
from walletdesk.risk.services import forget_rules, rules
from walletdesk.wallet import queries, services

pytestmark = [pytest.mark.django_db, pytest.mark.security, pytest.mark.money]
RIGHT = "correct horse battery staple 9"


@pytest.fixture
def bob(make_customer):
    return make_customer("bob@example.com")


@pytest.fixture
def funded(customer, fund):
    fund(customer, 10_000_000)
    return customer


def send(api, to, amount):
    return api.post("/api/v1/wallet/transfers", {"to": to, "amount": amount, "currency": "CNY"},
                    key=str(uuid.uuid4()))


def set_rule(code, **fields):
    rules()
    RiskRule.objects.filter(code=code).update(**fields)
    forget_rules()  # other processes: within RULES_FOR


def test_large_amount_needs_a_recent_authentication(api, funded, bob):
    assert send(api, bob.email, 150_000).status_code == 201  # the token is fresh
    clock.advance(minutes=6)
    assert send(api, bob.email, 99_999).status_code == 201
    r = send(api, bob.email, 100_000)
    assert r.status_code == 403 and r.json()["code"] == "step_up_required"
    assert api.post("/api/v1/auth/step-up", {"password": RIGHT}).status_code == 200
    assert send(api, bob.email, 100_000).status_code == 201


def test_count_per_hour_exactly(api, funded, bob):
    set_rule("count_hour", limit_count=3)
    clock.advance(minutes=6)
    for _ in range(3):
        assert send(api, bob.email, 100).status_code == 201
    r = send(api, bob.email, 100)
    assert r.json()["code"] == "step_up_required"
    clock.advance(minutes=61)
    assert send(api, bob.email, 100).status_code == 201


def test_count_per_day_holds_for_review(api, funded, bob):
    set_rule("count_day", limit_count=2)
    assert send(api, bob.email, 100).status_code == 201
    assert send(api, bob.email, 100).status_code == 201
    r = send(api, bob.email, 100)
    assert r.status_code == 403 and r.json()["code"] == "held_for_review"
    d = RiskDecision.objects.order_by("-pk").first()
    assert d.outcome == "hold" and d.reasons[0]["rule"] == "count_day"


def _to_local(hour, minute, zone="Asia/Shanghai"):
    """Move the clock forward to the next hour:minute on the user's clock (ADR 0046: the
    hour and the day are the user's clock hour and calendar day), at least ten minutes ahead:
    the sign-in is then older than the step-up window (5 min). Run a few minutes before
    9:06 in Shanghai, "the next 9:06" was a minute away and a fresh sign-in let the step-up
    rule pass (CI, 2026-12-05)."""
    now = clock.now().astimezone(ZoneInfo(zone))
    target = now.replace(hour=hour, minute=minute, second=0, microsecond=0)
    if target <= now + timedelta(minutes=10):
        target += timedelta(days=1)
    clock.advance(seconds=(target - now).total_seconds())


def test_amount_per_hour_and_day(api, funded, bob):
    set_rule("amount_hour", limit_amount=1000)
    set_rule("amount_day", limit_amount=2000)
    _to_local(9, 6)  # also makes the login older than the step-up window
    assert send(api, bob.email, 1000).status_code == 201
    assert send(api, bob.email, 1).json()["code"] == "step_up_required"
    clock.advance(minutes=61)  # 10:07, a new hour
    assert send(api, bob.email, 1000).status_code == 201
    clock.advance(minutes=61)  # 11:08, the same day
    assert send(api, bob.email, 1).json()["code"] == "held_for_review"
    _to_local(0, 1)  # the next calendar day on the user's clock starts from zero
    assert send(api, bob.email, 1000).status_code == 201


def test_far_above_usual(api, funded, bob):
    set_rule("step_up_amount", enabled=False)
    set_rule("new_payee_large", enabled=False)
    for _ in range(3):
        assert send(api, bob.email, 1_000).status_code == 201
    clock.advance(minutes=6)
    assert send(api, bob.email, 10_000).status_code == 201  # at 10x: not above
    r = send(api, bob.email, 60_000)
    assert r.json()["code"] == "step_up_required"
    reasons = RiskDecision.objects.order_by("-pk").first().reasons
    assert reasons[0]["rule"] == "far_above_usual" and reasons[0]["factor"] == 10.0


def test_new_payee_with_a_large_amount(api, funded, bob, make_customer):
    set_rule("step_up_amount", enabled=False)
    carol = make_customer("carol@example.com")
    assert send(api, bob.email, 100).status_code == 201
    clock.advance(minutes=6)
    assert send(api, bob.email, 600_000).status_code == 201  # known payee
    r = send(api, carol.email, 600_000)
    assert r.json()["code"] == "step_up_required"
    assert send(api, carol.email, 400_000).status_code == 201


def test_money_out_soon_after_a_credential_change_is_held(api, funded, bob):
    tok = current.set(AuthContext(funded.pk, clock.now(), "token"))
    try:
        security.set_phrase(funded, "green kite")
    finally:
        current.reset(tok)
    r = send(api, bob.email, 100_000)
    assert r.json()["code"] == "held_for_review"
    assert send(api, bob.email, 99_999).status_code == 201
    clock.advance(hours=24, seconds=1)
    api.post("/api/v1/auth/step-up", {"password": RIGHT})
    assert send(api, bob.email, 100_000).status_code == 201


def test_account_hold_stops_every_outgoing_operation(api, funded, bob):
    holds.place(funded, AccountHold.Kind.AFTER_RESET, "reset", blocks_login=False)
    before = list(queries.balances(funded))
    r = send(api, bob.email, 100)
    assert r.status_code == 403 and r.json()["code"] == "account_on_hold"
    r = api.post("/api/v1/wallet/withdrawals", {"amount": 100, "currency": "CNY",
                                                "method": "bank_card"}, key=str(uuid.uuid4()))
    assert r.json()["code"] == "account_on_hold"
    assert list(queries.balances(funded)) == before
    with pytest.raises(Exception) as exc:
        services.transfer(funded, to=bob.email, amount=100, currency="CNY")  # no request context
    assert getattr(exc.value, "code", "") == "account_on_hold"


def test_hold_after_reset_ends_after_24_hours(funded, bob):
    from datetime import timedelta

    holds.place(funded, AccountHold.Kind.AFTER_RESET, "reset", blocks_login=False,
                until=clock.now() + timedelta(hours=24))
    clock.advance(hours=23, minutes=59)
    with pytest.raises(Exception):
        services.transfer(funded, to=bob.email, amount=100, currency="CNY")
    clock.advance(minutes=2)
    assert services.transfer(funded, to=bob.email, amount=100, currency="CNY")


def test_rules_apply_to_interactive_requests_only(funded, bob):
    set_rule("count_day", limit_count=1)
    services.transfer(funded, to=bob.email, amount=100, currency="CNY")
    services.transfer(funded, to=bob.email, amount=100, currency="CNY")
    # Both went through; no rule ran, so there is no decision to record.
    assert funded.transactions.filter(type="transfer").count() == 2
    assert not RiskDecision.objects.filter(user=funded).exists()


def test_freeze_rule(api, funded, bob):
    set_rule("count_day", limit_count=1, outcome="freeze")
    assert send(api, bob.email, 100).status_code == 201
    r = send(api, bob.email, 100)
    assert r.json()["code"] == "account_on_hold"
    assert AccountHold.objects.get(user=funded).kind == AccountHold.Kind.RISK


def test_an_amount_the_balance_cannot_cover_is_refused_by_the_wallet_not_the_rules(api, funded, bob):
    set_rule("amount_day", limit_amount=1000)
    r = send(api, bob.email, 99_999_999)
    assert r.json()["code"] == "insufficient_funds"  # not held_for_review
    decision = services_assess(funded, 99_999_999)
    assert decision.reasons == [{"rule": "insufficient_funds_first"}]


def services_assess(user, amount):
    from walletdesk.risk.services import assess_outgoing

    tok = current.set(AuthContext(user.pk, clock.now(), "token"))
    try:
        return assess_outgoing(user, "transfer", amount, "CNY")
    finally:
        current.reset(tok)


@pytest.mark.parametrize("reasons", [[], [{"rule": "insufficient_funds_first"}],
                                     [{"rule": "count_hour", "count": 11, "note": "转账 ✓"}]])
def test_an_allowed_decision_row_matches_the_orm(customer, reasons):
    """The allowed decision's fixed INSERT (``insert_decision``) stores what the ORM's save
    stores, field for field, on either database."""
    from walletdesk.risk.services import DECISION_COLUMNS, insert_decision

    # Every column but the id is written: a field added to the model fails here first.
    assert set(DECISION_COLUMNS) == {f.column for f in RiskDecision._meta.concrete_fields} - {"id"}

    at = clock.now()

    def made():
        return RiskDecision(user=customer, operation="transfer", amount=12_345, currency="CNY",
                            payee="李雷@example.com", outcome="allow", reasons=reasons,
                            interactive=True, created_at=at)

    fixed, orm = made(), made()
    insert_decision(fixed)
    orm.save(force_insert=True)
    assert fixed.pk is not None and not fixed._state.adding
    cols = [f.attname for f in RiskDecision._meta.concrete_fields if f.attname not in ("id", "ref")]
    stored = RiskDecision.objects.filter(pk__in=[fixed.pk, orm.pk]).order_by("pk")
    a, b = (RiskDecision.objects.values(*cols, "ref").get(pk=d.pk) for d in stored)
    assert {k: a[k] for k in cols} == {k: b[k] for k in cols}
    assert a["reasons"] == reasons and a["ref"] == fixed.ref
    assert a["created_at"] == at


def test_an_allowed_decision_is_stored_with_the_money_it_allowed(api, funded, bob, merchant):
    """ADR 0118: an API transfer's or balance payment's allowed decision is written by the
    booking statement (PostgreSQL) or just before it (SQLite), a card payment's before its
    pending row; one decision per booked operation, and a refusal after the rules (a transfer
    to oneself, an unknown merchant) leaves none, as the rollback always did."""
    from walletdesk.wallet.models import Transaction
    from walletdesk.wallet.services import cards

    cards.link_card(funded, kind="credit_card", number="4111111111111111")

    def allowed():
        return list(RiskDecision.objects.filter(user=funded, outcome="allow")
                    .values_list("operation", "amount", "payee", "interactive"))

    before = allowed()
    assert send(api, bob.email, 1_234).status_code == 201
    pay = {"merchant": merchant.slug, "amount": 2_345, "currency": "CNY", "method": "balance"}
    assert api.post("/api/v1/wallet/payments", pay, key="p-1").status_code == 201
    by_card = {**pay, "amount": 3_456, "method": "credit_card"}
    assert api.post("/api/v1/wallet/payments", by_card, key="p-2").status_code == 201
    assert allowed() == [*before, ("transfer", 1_234, "bob@example.com", True),
                         ("payment", 2_345, merchant.slug, True),
                         ("payment", 3_456, merchant.slug, True)]
    assert Transaction.objects.filter(customer=funded, amount__in=[1_234, 2_345, 3_456]).count() == 3
    # the same answer replayed: nothing written again
    assert api.post("/api/v1/wallet/payments", pay, key="p-1").status_code == 201
    assert len(allowed()) == len(before) + 3
    # refused after the rules allowed it: the decision goes with the rollback
    assert send(api, funded.email, 1_000).json()["code"] == "transfer_to_self"
    unknown = {**pay, "merchant": "no-such-shop"}
    assert api.post("/api/v1/wallet/payments", unknown, key="p-3").json()["code"] == "unknown_merchant"
    assert len(allowed()) == len(before) + 3
    # outside a transaction (a service call by the user's own request): written at once
    tok = current.set(AuthContext(funded.pk, clock.now(), "token"))
    try:
        services.transfer(funded, to=bob.email, amount=4_567, currency="CNY")
    finally:
        current.reset(tok)
    assert allowed()[-1] == ("transfer", 4_567, "bob@example.com", True)
