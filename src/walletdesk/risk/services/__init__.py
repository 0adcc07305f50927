"""Risk checks on outgoing money (transfer, pay, withdraw): one call at the start of each.

Account holds (security hold, freeze, the cool-down after a reset) stop every outgoing
operation. The rules (counts, amounts, usual amount, new payee, recent credential change)
run for interactive requests, where the user can step up; direct service calls from jobs,
the admin or tests have no one to ask, so only holds apply there.
"""

from __future__ import annotations

import functools
import time
from datetime import timedelta
from typing import Any, cast

from django.db import connection, transaction
from django.db.models import Avg, Count

from walletdesk.accounts import auth_context
from walletdesk.accounts.models import AccountHold, SecurityEvent, User
from walletdesk.accounts.services import events, holds
from walletdesk.core import clock

from ..errors import AccountFrozen, HeldForReview, NeedsStepUp, OnHold, Refusal
from ..models import DEFAULT_RULES, Outcome, RiskDecision, RiskRule
from . import counters, review

OUTGOING = ("transfer", "payment", "withdrawal")
LOOK_UP: Any = object()
CREDENTIAL_EVENTS = ("password_changed", "password_reset", "mfa_disabled", "anti_phishing_phrase_set")
Reason = dict[str, Any]


# The rules are read on every interactive payment: each process keeps them for RULES_FOR, and
# a save in this process clears its copy at once (signals in apps.py). An edit in the admin
# reaches the other processes within RULES_FOR (ADR 0046).
RULES_FOR = 5.0
_rules_cache: list[Any] = [0.0, None]  # [monotonic time read, {code: rule}]


def forget_rules(**_signal: object) -> None:
    _rules_cache[1] = None


def rules() -> dict[str, RiskRule]:
    read_at, cached = _rules_cache
    now = time.monotonic()
    if cached is not None and now - read_at < RULES_FOR:
        return cast(dict[str, RiskRule], cached)
    found = {r.code: r for r in RiskRule.objects.all()}
    if len(found) < len(DEFAULT_RULES):
        for code, outcome, count, amount, factor, window in DEFAULT_RULES:
            if code not in found:
                found[code], _ = RiskRule.objects.get_or_create(code=code, defaults={
                    "outcome": outcome, "limit_count": count, "limit_amount": amount,
                    "factor": factor, "window_hours": window})
    enabled = {c: r for c, r in found.items() if r.enabled}
    _rules_cache[:] = [now, enabled]
    return enabled


def _outgoing(user: User, currency: str, hours: float) -> Any:
    from walletdesk.wallet.models import Transaction

    return Transaction.objects.filter(
        customer=user, type__in=OUTGOING, currency=currency,
        created_at__gte=clock.now() - timedelta(hours=hours),
    ).exclude(status__in=["failed", "expired", "reversed"])


def _new_payee(user: User, operation: str, payee: object) -> bool:
    from walletdesk.wallet.models import Merchant, Transaction

    past = Transaction.objects.filter(customer=user, type__in=OUTGOING)
    if operation == "transfer" and isinstance(payee, str):
        from walletdesk.accounts.services import find_user_by_login

        other = find_user_by_login(payee)
        return other is not None and not past.filter(counterparty=other).exists()
    if operation == "payment" and payee is not None:
        shop_id = payee.pk if isinstance(payee, Merchant) else None
        if shop_id is None:
            shop = Merchant.objects.filter(slug=str(payee)[:60]).first()
            shop_id = shop.pk if shop else None
        return shop_id is not None and not past.filter(merchant_id=shop_id).exists()
    return False


def evaluate(user: User, operation: str, amount: int, currency: str,
             payee: object = None, totals: counters.Totals | None = None) -> list[Reason]:
    """The rules that fire for this operation, each with its outcome and figures."""
    fired: list[Reason] = []
    active = rules()

    def fire(rule: RiskRule, **detail: Any) -> None:
        fired.append({"rule": rule.code, "outcome": rule.outcome, **detail})

    if (r := active.get("step_up_amount")) and r.limit_amount and amount >= r.limit_amount:
        fire(r, amount=amount, limit=r.limit_amount)
    # Velocity: this hour's and this day's totals on the user's clock, from the counter row
    # read under its lock (counters.py); the operation itself is added to them.
    if totals is None:
        totals = counters.Totals()
    for code, count, total in (("count_hour", totals.hour_count, None),
                               ("count_day", totals.day_count, None),
                               ("amount_hour", None, totals.hour_amount),
                               ("amount_day", None, totals.day_amount)):
        r = active.get(code)
        if r is None:
            continue
        if count is not None and r.limit_count and count + 1 > r.limit_count:
            fire(r, count=count + 1, limit=r.limit_count)
        if total is not None and r.limit_amount and total + amount > r.limit_amount:
            fire(r, total=total + amount, limit=r.limit_amount)
    if (r := active.get("far_above_usual")) and r.factor and amount >= (r.limit_amount or 0):
        past = _outgoing(user, currency, r.window_hours or 720).aggregate(n=Count("pk"),
                                                                          avg=Avg("amount"))
        if past["n"] >= (r.limit_count or 3) and amount > r.factor * float(past["avg"] or 0):
            fire(r, usual=round(float(past["avg"] or 0)), factor=r.factor)
    if ((r := active.get("new_payee_large")) and r.limit_amount and amount >= r.limit_amount
            and _new_payee(user, operation, payee)):
        fire(r, limit=r.limit_amount)
    if (r := active.get("after_credential_change")) and amount >= (r.limit_amount or 0):
        since = clock.now() - timedelta(hours=r.window_hours or 24)
        change = (SecurityEvent.objects.filter(user=user, kind__in=CREDENTIAL_EVENTS, at__gte=since)
                  .values_list("kind", flat=True).first())
        if change:
            fire(r, change=change)
    return fired


def _cannot_pay(user: User, operation: str, amount: int, currency: str, method: object,
                available: int | object | None) -> bool:
    """The balance cannot cover it: the wallet refuses with insufficient_funds, not the rules.

    ``available`` is the balance the caller has just read (None: no account), or LOOK_UP."""
    from walletdesk.wallet.models import LedgerAccount
    from walletdesk.wallet.services.ledger import customer_lookup

    if operation == "payment" and method != "balance":
        return False
    if available is LOOK_UP:
        account = LedgerAccount.objects.filter(**customer_lookup(user, currency)).first()
        available = account.available if account is not None else None
    return available is None or cast(int, available) < amount


def is_interactive(user: User) -> bool:
    """Whether this request is the user's own (the rules apply, ``assess_outgoing``)."""
    ctx = auth_context.current.get()
    return ctx is not None and ctx.user_id == user.pk


def assess_outgoing(user: User, operation: str, amount: int, currency: str,
                    payee: object = None, method: object = None,
                    hold: str | None = LOOK_UP, available: int | object | None = LOOK_UP,
                    locked_totals: counters.Totals | None = None, with_booking: bool = False,
                    ) -> RiskDecision:
    """Allow, or raise account_on_hold / step_up_required / held_for_review (decision stored).

    ``hold`` is the user's active hold kind and ``available`` their balance in ``currency``
    when the caller has just read them (the wallet's transfer reads both with the recipient,
    in one statement). An interactive request reads the user's counter row under its lock
    (``counters.lock``): call it inside the transaction that books the money, which then
    adds the operation to the row (ADR 0046). The decision's ``totals`` are those figures.
    ``locked_totals``: the caller has already taken the row with ``counters.lock``'s upsert in
    its own statement, in this transaction, and passes what it returned (ADR 0118).
    ``with_booking``: inside a transaction, an allowed interactive decision is left for the
    caller to write with the money it allowed, in that transaction (``insert_pending`` is
    True until ``insert_decision`` or the booking statement has written it, ADR 0118).
    """
    if hold is LOOK_UP:
        hold = active_hold_kind(user)
    ctx = auth_context.current.get()
    interactive = ctx is not None and ctx.user_id == user.pk
    reasons: list[Reason] = []
    totals: counters.Totals | None = None
    if hold:
        outcome = str(Outcome.FREEZE)
        reasons = [{"rule": "account_hold", "hold": hold}]
    elif interactive and _cannot_pay(user, operation, amount, currency, method, available):
        outcome = str(Outcome.ALLOW)
        reasons = [{"rule": "insufficient_funds_first"}]
    elif interactive:
        totals = locked_totals if locked_totals is not None else counters.lock(user, currency)
        reasons = evaluate(user, operation, amount, currency, payee, totals)
        outcome = review.decide(user, operation, amount, currency, payee, reasons,
                                auth_context.recent(ctx))
    else:
        outcome = str(Outcome.ALLOW)
    decision = RiskDecision(user=user, operation=operation, amount=amount, currency=currency,
                            payee=review.payee_key(operation, payee), outcome=outcome,
                            reasons=reasons, interactive=interactive, created_at=clock.now())
    decision.totals = totals  # type: ignore[attr-defined]
    if outcome == Outcome.ALLOW and not interactive:
        # No rule was evaluated (a job, the admin, a service call): nothing to record.
        return decision
    if outcome == Outcome.ALLOW:
        # Stored with the money it allowed (one INSERT in the caller's transaction; a
        # rollback takes both back).
        if with_booking and transaction.get_connection().in_atomic_block:
            decision.insert_pending = True  # type: ignore[attr-defined]
        else:
            insert_decision(decision)
        return decision
    _persist(decision, new_hold=not hold)
    error: Refusal
    if hold:
        error = OnHold()
    elif outcome == Outcome.FREEZE:
        error = AccountFrozen()
    elif outcome == Outcome.HOLD:
        error = HeldForReview()
    else:
        error = NeedsStepUp()
    if transaction.get_connection().in_atomic_block:
        # The caller's transaction will roll back: written again once it has (record_refusal).
        error.decision, error.new_hold = decision, not hold
    raise error


def record_refusal(exc: BaseException) -> None:
    """Write a refusal's decision (with its freeze or review) after the caller's transaction
    rolled back; once per error, nothing for other errors. Called by whoever turns the refusal
    into an answer after the rollback (``wallet.refusals.record``)."""
    if isinstance(exc, Refusal) and exc.decision is not None:
        decision, exc.decision = exc.decision, None
        _persist(decision, new_hold=exc.new_hold)


HOLD_SQL = ("SELECT kind FROM accounts_accounthold WHERE user_id = %s AND released_at IS NULL "
            "AND (until IS NULL OR until > %s) ORDER BY id LIMIT 1")


def active_hold_kind(user: User) -> str | None:
    """The kind of the user's first active hold: ``accounts.holds.active`` as one fixed statement.

    It runs before every outgoing operation, and building the same filter through the ORM
    cost more than running it (ADR 0005). ``test_hold_check_matches_holds_active`` keeps the
    two in step.
    """
    with connection.cursor() as cursor:
        cursor.execute(HOLD_SQL, [user.pk, connection.ops.adapt_datetimefield_value(clock.now())])
        row = cursor.fetchone()
    return str(row[0]) if row else None


DECISION_COLUMNS = ("user_id", "operation", "amount", "currency", "outcome", "payee", "reasons",
                    "interactive", "created_at", "ref")
INSERT_DECISION_SQL = (
    "INSERT INTO risk_riskdecision (user_id, operation, amount, currency, outcome, payee, "
    "reasons, interactive, created_at, ref) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s) "
    "RETURNING id")


@functools.cache
def _decision_fields() -> list[Any]:
    by_column = {f.column: f for f in RiskDecision._meta.concrete_fields}
    return [by_column[c] for c in DECISION_COLUMNS]


def insert_decision(decision: RiskDecision) -> None:
    """``decision.save(force_insert=True)`` as one fixed statement: the INSERT every allowed
    interactive payment makes, whose building through the ORM (a seventh of an API transfer's
    CPU) cost more than running it. Each value goes through its field's own conversion
    (JSON, time, UUID), as the ORM's insert does; no signal listens to RiskDecision saves.
    ``test_an_allowed_decision_row_matches_the_orm`` keeps the two in step."""
    with connection.cursor() as cursor:
        cursor.execute(INSERT_DECISION_SQL, decision_values(decision))
        decision_written(decision, cursor.fetchone()[0])


def decision_values(decision: RiskDecision) -> list[Any]:
    """The parameters of ``INSERT_DECISION_SQL`` for this decision."""
    return [f.get_db_prep_save(getattr(decision, f.attname), connection)
            for f in _decision_fields()]


def decision_written(decision: RiskDecision, pk: int) -> None:
    """``INSERT_DECISION_SQL`` stored the decision as row ``pk``."""
    decision.pk = pk
    decision._state.adding = False
    decision._state.db = connection.alias
    decision.insert_pending = False  # type: ignore[attr-defined]


def insert_pending(decision: RiskDecision | None) -> bool:
    """An allowed decision left by ``assess_outgoing(with_booking=True)`` and not written yet."""
    return decision is not None and getattr(decision, "insert_pending", False)


def write_pending(decision: RiskDecision | None) -> None:
    """Write a decision ``assess_outgoing(with_booking=True)`` left unwritten (a path that
    does not book through the booking statement)."""
    if decision is not None and insert_pending(decision):
        insert_decision(decision)


def _persist(decision: RiskDecision, *, new_hold: bool) -> None:
    """Store a decision and its consequences once (keyed by its ref)."""
    if RiskDecision.objects.filter(ref=decision.ref).exists():
        return
    user = decision.user
    with transaction.atomic():
        decision.pk = None
        decision.save(force_insert=True)
        if decision.outcome == Outcome.FREEZE and new_hold:
            holds.place(user, AccountHold.Kind.RISK, "risk rules")
            events.record("risk_freeze", user, decision=decision.pk)
        elif decision.outcome == Outcome.HOLD:
            events.record("risk_hold", user, decision=decision.pk, operation=decision.operation)
            review.open_case(decision)
