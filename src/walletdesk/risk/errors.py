"""Refusals of outgoing money. A refusal raised inside the caller's transaction is rolled
back with it, so each error carries its decision and writes it when it is turned into an
answer (``as_dict``, called by the API and the idempotency layer after the rollback)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext_lazy as _

from walletdesk.accounts.errors import AccountOnHold, StepUpRequired
from walletdesk.core.errors import DomainError


class Refusal(DomainError):
    persist: Callable[[], None] | None = None

    def as_dict(self) -> dict[str, Any]:
        if self.persist is not None:
            persist, self.persist = self.persist, None
            persist()
        return super().as_dict()


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
