"""What a refused operation leaves behind once its transaction has rolled back.

A refusal raised inside the operation's transaction takes its own writes back with it, but
two of them must stay: the risk decision (with its freeze or review, ``risk.errors``) and a
transfer's miss on a login without a wallet (ADR 0047). The errors carry them as data; this
is the one explicit call that writes them, made by whoever turns the refusal into an answer
after the rollback: ``services.idempotency.execute`` and the API's error handler (``walletdesk.api``).
Each is written once per error, however many of them call; any other error writes nothing.
"""

from __future__ import annotations

from walletdesk.risk.services import counters
from walletdesk.risk.services import record_refusal as record_risk_refusal

from .errors import UnknownRecipient


def record(exc: BaseException) -> None:
    record_risk_refusal(exc)
    if isinstance(exc, UnknownRecipient) and exc.miss is not None:
        (user, currency), exc.miss = exc.miss, None
        counters.note_miss(user, currency)
