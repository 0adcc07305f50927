"""Why a fee was charged and how to pay less next time.

Reads the fee and the policy and promotion stored on the transaction, then asks
the wallet's own fee functions (``fees.all_quotes``) what the same operation
would cost today by every method, which promotions are open now, and which
announced policy changes are coming.
"""

from __future__ import annotations

from django.db.models import Q

from walletdesk.accounts.models import User
from walletdesk.core import clock
from walletdesk.wallet import fees
from walletdesk.wallet.models import OPERATION_METHODS, FeePolicy, Promotion, Transaction

from ..findings import Diagnosis, Finding

Type = Transaction.Type
FEE_TYPES = (Type.TOPUP, Type.TRANSFER, Type.PAYMENT, Type.WITHDRAWAL)


def _policy(policy: FeePolicy, currency: str) -> Finding:
    params = {"version": policy.version, "operation": policy.operation, "method": policy.method,
              "percent": f"{policy.basis_points / 100:.2f}", "fixed": policy.fixed,
              "minimum": policy.minimum, "currency": currency}
    if policy.maximum is not None:
        return Finding("fee.policy_capped", {**params, "maximum": policy.maximum})
    return Finding("fee.policy", params)


def _promotions(operation: str, currency: str, user: User) -> list[Finding]:
    """Promotions this user can use now (by method), then the next ones to open."""
    now = clock.now()
    out: list[Finding] = []
    seen: set[int] = set()
    for method in OPERATION_METHODS.get(operation, ()):
        promo = fees.promotion_for(operation, method, currency, user.pk, now)
        if promo is not None and promo.pk not in seen:
            seen.add(promo.pk)
            out.append(Finding("fee.promotion_now", {
                "name": promo.name_zh, "name_en": promo.name_en, "operation": operation,
                "method": promo.method, "ends_at": promo.ends_at}))
    soon = (Promotion.objects.filter(is_active=True, operation=operation, starts_at__gt=now)
            .filter(Q(currency="") | Q(currency=currency)).order_by("starts_at", "pk")[:2])
    out.extend(Finding("fee.promotion_soon", {
        "name": p.name_zh, "name_en": p.name_en, "operation": operation, "method": p.method,
        "starts_at": p.starts_at, "ends_at": p.ends_at}) for p in soon)
    return out


def _changes(operation: str, method: str, currency: str) -> list[Finding]:
    return [Finding("fee.policy_change", {"operation": p.operation, "method": p.method,
                                          "percent": f"{p.basis_points / 100:.2f}",
                                          "effective_from": p.effective_from})
            for p in fees.upcoming_changes()
            if p.operation == operation and p.method == method and p.currency == currency]


def _cheaper(txn: Transaction, user: User) -> tuple[list[Finding], Finding]:
    quotes = fees.all_quotes(txn.type, txn.amount, txn.currency, user_id=user.pk)
    same = next((q for q in quotes if q.method == txn.method), None)
    best = quotes[0] if quotes else None
    findings = []
    if best is not None and best.method != txn.method and best.fee < txn.fee:
        findings.append(Finding("fee.cheaper_method", {
            "operation": txn.type, "method": best.method, "fee": best.fee, "paid": txn.fee,
            "currency": txn.currency, "amount": txn.amount,
            "promotion": best.promotion.name_zh if best.promotion else "",
            "promotion_en": best.promotion.name_en if best.promotion else ""}))
        return findings, Finding("step.use_cheaper_method", {
            "method": best.method, "fee": best.fee, "paid": txn.fee, "currency": txn.currency})
    if same is not None and same.fee < txn.fee:
        findings.append(Finding("fee.cheaper_now", {
            "method": txn.method, "fee": same.fee, "paid": txn.fee, "currency": txn.currency}))
        return findings, Finding("step.use_cheaper_method", {
            "method": txn.method, "fee": same.fee, "paid": txn.fee, "currency": txn.currency})
    findings.append(Finding("fee.already_cheapest", {"method": txn.method}))
    return findings, Finding("step.none")


def diagnose(txn: Transaction, user: User) -> Diagnosis:
    now = clock.now()
    base = {"type": txn.type, "amount": txn.amount, "currency": txn.currency,
            "method": txn.method}
    findings: list[Finding] = []
    step = Finding("step.none")
    if txn.type == Type.TRANSFER and txn.counterparty_id == user.pk:
        findings.append(Finding("fee.paid_by_sender", base))
    elif txn.type not in FEE_TYPES:
        findings.append(Finding("fee.none", base))
    elif txn.fee_before_promotion == 0:
        findings.append(Finding("fee.none", base))
        if txn.fee_policy is not None:
            findings.append(_policy(txn.fee_policy, txn.currency))
    else:
        if txn.fee_policy is not None:
            findings.append(_policy(txn.fee_policy, txn.currency))
        findings.append(Finding("fee.charged", {**base, "fee": txn.fee_before_promotion}))
        if txn.promotion is not None:
            findings.append(Finding("fee.promotion", {
                "name": txn.promotion.name_zh, "name_en": txn.promotion.name_en,
                "discount": txn.fee_before_promotion - txn.fee,
                "fee_before": txn.fee_before_promotion, "fee": txn.fee,
                "currency": txn.currency}))
        if txn.fee:
            more, step = _cheaper(txn, user)
            findings.extend(more)
            promos = _promotions(txn.type, txn.currency, user)
            findings.extend(promos)
            if step.code == "step.none" and promos:
                code = "step.use_promotion_soon" if promos[0].code == "fee.promotion_soon" \
                    else "step.use_promotion"
                step = Finding(code, promos[0].params)
            findings.extend(_changes(txn.type, txn.method, txn.currency))
    return Diagnosis("fee", tuple(findings), step, now, (Finding("step.talk_to_person"),),
                     txn.public_id)
