"""Demo: two payments held by the rules, waiting in the review queue. Safe to run again."""

from __future__ import annotations

from typing import Any

from walletdesk.accounts.models import User
from walletdesk.accounts.services import events

from .models import Outcome, Review, RiskDecision
from .services import review

HELD = [
    # customer, payee, amount (minor units, CNY), rule that held it
    ("li.na@example.cn", "zhang.wei@example.cn", 880_000,
     {"rule": "new_payee_large", "outcome": "hold", "limit": 500_000}),
    ("alice@example.com", "bob@example.com", 1_250_000,
     {"rule": "after_credential_change", "outcome": "hold", "change": "password_reset"}),
]


def seed() -> list[dict[str, Any]]:
    for email, payee, amount, reason in HELD:
        user = User.objects.filter(email=email).first()
        if user is None or Review.objects.filter(user=user).exists():
            continue
        decision = RiskDecision.objects.create(
            user=user, operation="transfer", amount=amount, currency="CNY", payee=payee,
            outcome=Outcome.HOLD, reasons=[reason], interactive=True)
        events.record("risk_hold", user, decision=decision.pk, operation=decision.operation)
        review.open_case(decision)
    return []
