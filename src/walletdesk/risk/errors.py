"""Refusals of outgoing money. A refusal raised inside the caller's transaction is rolled
back with it, so each error carries its decision (data only); whoever turns it into an answer
after the rollback writes it with ``risk.services.record_refusal`` (through
``wallet.refusals.record``: the idempotency layer and the API's error handler). Turning an
error into JSON (``as_dict``) writes nothing."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from walletdesk.accounts.errors import AccountOnHold, StepUpRequired
from walletdesk.core.errors import DomainError

if TYPE_CHECKING:
    from .models import RiskDecision


class Refusal(DomainError):
    # Set when the refusal was raised inside a transaction that will roll back: the decision
    # to write again afterwards, and whether it places a new hold (risk.services.record_refusal).
    decision: RiskDecision | None = None
    new_hold: bool = False


class HeldForReview(Refusal):
    status = 403
    code = "held_for_review"
    default_message = _("This payment was held for review by our security team. Nothing left "
                        "your account; we will contact you.")


class AccountFrozen(Refusal):
    status = 403
    code = "account_on_hold"
    default_message = _("Your account was frozen for your safety. Unlock it with a code "
                        "(Forgot password → Unlock) or contact support.")


class OnHold(Refusal, AccountOnHold):
    pass


class NeedsStepUp(Refusal, StepUpRequired):
    pass


class OwnPayment(DomainError):
    status = 403
    code = "own_payment"
    default_message = _("Nobody reviews their own payment: ask another reviewer.")


class ReviewClosed(DomainError):
    status = 409
    code = "review_closed"
    default_message = _("This review was already decided.")
