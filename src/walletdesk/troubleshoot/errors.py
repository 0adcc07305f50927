from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from walletdesk.core.errors import NotFound, ValidationFailed


class UnknownProblem(NotFound):
    code = "unknown_troubleshooter"
    default_message = _("There is no troubleshooter for this problem.")


class TransactionRequired(ValidationFailed):
    code = "transaction_required"
    default_message = _("Pick the transaction this is about.")
