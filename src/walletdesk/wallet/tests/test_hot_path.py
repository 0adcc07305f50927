"""The transfer hot path (ADR 0005) gives the same answers as the general code it replaces."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from walletdesk.accounts.models import AccountHold, User
from walletdesk.accounts.services import find_user_by_login, holds
from walletdesk.core import clock
from walletdesk.core.errors import DomainError
from walletdesk.risk.services import active_hold_kind
from walletdesk.wallet import fees, recipients, services
from walletdesk.wallet.models import FeePolicy, LedgerAccount, Posting, Promotion, Transaction
from walletdesk.wallet.services import idempotency, ledger

from .helpers import assert_ledger_ok, snapshot

pytestmark = pytest.mark.money


def test_hold_check_matches_holds_active(make_customer: Any) -> None:
    user = make_customer()

    other = make_customer()

    def both() -> tuple[str | None, str | None]:
        kind = holds.active(user).values_list("kind", flat=True).first()
        # The transfer reads the hold beside the recipient (found or not) in one statement.
        for login in (other.email, "nobody@example.com"):
            assert recipients.find_recipient(user, login)[0] == kind
        return active_hold_kind(user), kind

    assert both() == (None, None)
    released = holds.place(user, AccountHold.Kind.RISK, "old")
    AccountHold.objects.filter(pk=released.pk).update(released_at=clock.now())
    holds.place(user, AccountHold.Kind.RISK, "ran out", until=clock.now() - timedelta(seconds=1))
    assert both() == (None, None)
    holds.place(user, AccountHold.Kind.SECURITY, "later", until=clock.now() + timedelta(hours=1))
    assert both() == (AccountHold.Kind.SECURITY, AccountHold.Kind.SECURITY)
    clock.advance(hours=2)
    assert both() == (None, None)
    holds.place(user, AccountHold.Kind.RISK, "open-ended")
    assert both() == (AccountHold.Kind.RISK, AccountHold.Kind.RISK)


def test_recipient_lookup_matches_accounts(make_customer: Any) -> None:
    make_customer("Mixed_Case%1@Example.com")
    make_customer("plain@example.com")
    make_customer("other@example.com", phone="+8613800138000")
    tries = ["Mixed_Case%1@Example.com", "mixed_case%1@example.COM", "MIXED_CASE%1@example.com",
             "Mixed-Case%1@example.com", "MixedXCase%1@example.com", "%@example.com",
             "plain@example.com", "PLAIN@EXAMPLE.COM", "ｐｌａｉｎ＠example.com", " plain@example.com ",
             "pla_n@example.com", "+86 138-0013-8000", "+8613800138000", "13800138000",
             "nobody@example.com", "", "   "]
    sender = make_customer()
    for login in tries:
        expected = find_user_by_login(login)
        hold, found = recipients.find_recipient(sender, login)
        assert hold is None
        assert recipients.find_user_by_login(login) == found
        assert (found and found.pk) == (expected and expected.pk), login
        if found is not None and expected is not None:
            fields = [f.attname for f in User._meta.concrete_fields]
            assert [getattr(found, f) for f in fields] == [getattr(expected, f) for f in fields]
            assert found._state.adding is False and found._state.db == expected._state.db


def test_cached_fee_policy_is_exact_for_changes_given_with_notice(customer: Any,
                                                                   make_customer: Any,
                                                                   fund: Any) -> None:
    bob = make_customer()
    fund(customer, 100_000)
    start = clock.now() - timedelta(days=1)
    FeePolicy.objects.create(operation="transfer", method="balance", currency="CNY",
                             basis_points=100, effective_from=start)
    assert services.transfer(customer, to=bob.email, amount=1_000, currency="CNY").fee == 10
    # Another process publishes version 2 with the minimum notice: no signal reaches this
    # process's cache (bulk_create sends none), yet it applies from its first moment.
    when = clock.now() + fees.NOTICE
    FeePolicy.objects.filter(version=1, operation="transfer").update(effective_to=when)
    FeePolicy.objects.bulk_create([FeePolicy(operation="transfer", method="balance",
                                             currency="CNY", version=2, basis_points=200,
                                             effective_from=when)])
    with clock.frozen(clock.now()):  # a second short of the change, however slow the machine
        assert services.transfer(customer, to=bob.email, amount=1_000, currency="CNY").fee == 10
        clock.advance(seconds=fees.NOTICE.total_seconds() - 1)
        assert services.transfer(customer, to=bob.email, amount=1_000, currency="CNY").fee == 10
        clock.advance(seconds=1)
        txn = services.transfer(customer, to=bob.email, amount=1_000, currency="CNY")
    assert (txn.fee, txn.fee_policy.version) == (20, 2)
    assert Transaction.objects.get(pk=txn.pk).fee_policy_id == txn.fee_policy.pk
    assert_ledger_ok()


def test_a_saved_policy_or_promotion_clears_this_process_cache(customer: Any,
                                                               make_customer: Any,
                                                               fund: Any) -> None:
    bob = make_customer()
    fund(customer, 100_000)
    assert fees.quote("transfer", "balance", 1_000, "CNY").fee == 0
    start = clock.now() - timedelta(days=1)
    FeePolicy.objects.create(operation="transfer", method="balance", currency="CNY",
                             basis_points=100, effective_from=start)
    assert fees.quote("transfer", "balance", 1_000, "CNY").fee == 10
    promo = Promotion.objects.create(name_zh="半价", name_en="Half", operation="transfer",
                                     discount_bps=5_000, starts_at=start,
                                     ends_at=start + timedelta(days=3), per_user_limit=1)
    first = services.transfer(customer, to=bob.email, amount=1_000, currency="CNY")
    assert (first.fee, first.fee_before_promotion, first.promotion) == (5, 10, promo)
    second = services.transfer(customer, to=bob.email, amount=1_000, currency="CNY")
    assert (second.fee, second.promotion) == (10, None)  # the cap counts the first use
    stored = Transaction.objects.get(pk=first.pk)
    assert (stored.fee, stored.promotion_id, stored.fee_policy_id) == (5, promo.pk,
                                                                       first.fee_policy.pk)
    kinds = sorted(Posting.objects.filter(transaction=stored).values_list("kind", "amount"))
    assert kinds == [("fee", 5), ("principal", 1_000), ("promotion", 5)]
    assert_ledger_ok()


def test_wrong_account_hints_are_checked_and_replaced(customer: Any, make_customer: Any,
                                                      merchant: Any, fund: Any) -> None:
    bob = make_customer()
    fund(customer, 100_000)
    fund(customer, 100_000, "HKD")
    services.transfer(customer, to=bob.email, amount=1, currency="CNY")
    services.pay(customer, merchant=merchant, amount=1, currency="CNY", method="balance")
    mine = ledger.customer_account(customer, "CNY")
    hkd = ledger.customer_account(customer, "HKD")
    shop = ledger.merchant_account(merchant, "CNY")
    bobs = ledger.customer_account(bob, "CNY")
    # Hints that name real rows, but the wrong ones (another currency, another owner).
    ledger._ids[ledger.key(ledger.customer_lookup(customer, "CNY"))] = hkd.pk
    ledger._ids[ledger.key(ledger.customer_lookup(bob, "CNY"))] = shop.pk
    services.transfer(customer, to=bob.email, amount=300, currency="CNY")
    ledger._ids[ledger.key(ledger.merchant_lookup(merchant, "CNY"))] = bobs.pk
    services.pay(customer, merchant=merchant, amount=200, currency="CNY", method="balance")
    balances = dict(LedgerAccount.objects.filter(pk__in=[mine.pk, hkd.pk, shop.pk, bobs.pk])
                    .values_list("pk", "balance"))
    assert balances == {mine.pk: 100_000 - 502, hkd.pk: 100_000, shop.pk: 201, bobs.pk: 301}
    assert ledger.cached_id(ledger.customer_lookup(customer, "CNY")) == mine.pk
    assert_ledger_ok()


def test_a_retried_booking_writes_its_risk_decision_once(api: Any, customer: Any,
                                                         make_customer: Any, fund: Any) -> None:
    """Through the API the allowed decision goes with the booking statement (ADR 0118): when
    the account hints were wrong and the booking is tried again, it is still written once."""
    from walletdesk.risk.models import RiskDecision

    bob = make_customer()
    fund(customer, 100_000)
    fund(customer, 100_000, "HKD")
    body = {"to": bob.email, "amount": 1, "currency": "CNY"}
    assert api.post("/api/v1/wallet/transfers", body, key="warm").status_code == 201
    hkd = ledger.customer_account(customer, "HKD")
    ledger._ids[ledger.key(ledger.customer_lookup(customer, "CNY"))] = hkd.pk  # a wrong hint
    decisions = RiskDecision.objects.filter(user=customer, outcome="allow")
    before = decisions.count()
    r = api.post("/api/v1/wallet/transfers", {**body, "amount": 300}, key="stale")
    assert r.status_code == 201, r.content
    assert decisions.count() == before + 1
    assert decisions.order_by("-pk").values_list("amount", flat=True)[0] == 300
    assert LedgerAccount.objects.get(pk=hkd.pk).balance == 100_000
    assert_ledger_ok()


def test_refusal_inside_the_idempotency_transaction_changes_nothing(customer: Any,
                                                                    make_customer: Any,
                                                                    fund: Any) -> None:
    bob = make_customer()
    fund(customer, 1_000)
    services.transfer(customer, to=bob.email, amount=1, currency="CNY")
    before = snapshot()

    def too_much() -> tuple[int, object]:
        services.transfer(customer, to=bob.email, amount=5_000, currency="CNY")
        return 201, {}

    digest = idempotency.request_hash("POST", "/hot", b"{}")
    status, body = idempotency.execute("transfer", "hot-path-key-1", digest, too_much)
    assert (status, body["code"]) == (422, "insufficient_funds")
    assert snapshot() == before
    # The connection is usable afterwards (no half-aborted transaction).
    ok = services.transfer(customer, to=bob.email, amount=10, currency="CNY")
    assert Transaction.objects.get(pk=ok.pk).status == "completed"
    assert_ledger_ok()


def test_fee_changes_need_notice_and_then_apply_everywhere(customer: Any, make_customer: Any,
                                                          fund: Any) -> None:
    bob = make_customer()
    fund(customer, 100_000)
    long_ago = clock.now() - timedelta(days=30)
    FeePolicy.objects.create(operation="transfer", method="balance", currency="CNY",
                             basis_points=100, effective_from=long_ago)
    before = (list(FeePolicy.objects.values_list("pk", "effective_to")),
              Promotion.objects.count())
    too_soon = clock.now() + fees.NOTICE - timedelta(seconds=1)
    for change in (
        lambda: services.schedule_fee_policy("transfer", "balance", "CNY",
                                             effective_from=too_soon, basis_points=1),
        lambda: services.schedule_promotion(name_zh="免费", name_en="Free", operation="transfer",
                                            starts_at=too_soon,
                                            ends_at=too_soon + timedelta(days=1)),
    ):
        with pytest.raises(DomainError) as err:
            change()
        assert (err.value.code, err.value.status) == ("fee_notice_too_short", 422)
    with pytest.raises(DomainError) as err:
        services.schedule_fee_policy("transfer", "bank_card", "CNY",
                                     effective_from=clock.now() + timedelta(hours=1))
    assert err.value.code == "unknown_method"
    assert (list(FeePolicy.objects.values_list("pk", "effective_to")),
            Promotion.objects.count()) == before

    notice = fees.NOTICE + timedelta(seconds=1)
    when = clock.now() + notice
    v2 = services.schedule_fee_policy(
        "transfer", "balance", "CNY", effective_from=when, basis_points=300,
        announcement={"title_zh": "转账费调整", "title_en": "Transfer fee change",
                      "body_zh": "转账费率调整为 3%。", "body_en": "Transfers cost 3%."})
    promo = services.schedule_promotion(name_zh="半价", name_en="Half", operation="transfer",
                                        discount_bps=5_000, starts_at=when,
                                        ends_at=when + timedelta(days=1))
    assert v2.version == 2 and v2.announcement.title_en == "Transfer fee change"
    assert fees.upcoming_changes() == [v2]
    assert services.transfer(customer, to=bob.email, amount=1_000, currency="CNY").fee == 10
    clock.advance(seconds=notice.total_seconds())
    txn = services.transfer(customer, to=bob.email, amount=1_000, currency="CNY")
    assert (txn.fee_before_promotion, txn.fee, txn.promotion) == (30, 15, promo)
    with pytest.raises(DomainError):
        services.end_promotion(promo, clock.now())
    ended = services.end_promotion(promo, clock.now() + notice)
    clock.advance(seconds=notice.total_seconds())
    assert ended.ends_at <= clock.now()
    assert services.transfer(customer, to=bob.email, amount=1_000, currency="CNY").fee == 30
    assert_ledger_ok()
