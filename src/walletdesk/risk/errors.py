from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from walletdesk.core.errors import DomainError


class HeldForReview(DomainError):
    status = 403
    code = "held_for_review"
    default_message = _("This payment was held for review by our security team. Nothing left "
                        "your account; we will contact you.")


class AccountFrozen(DomainError):
    status = 403
    code = "account_on_hold"
    default_message = _("Your account was frozen for your safety. Unlock it with a code "
                        "(Forgot password → Unlock) or contact support.")
