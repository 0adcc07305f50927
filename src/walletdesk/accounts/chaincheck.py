"""The hash-chained security log verified in production (ADR 0106).

``check()`` recomputes the chain (``events.verify_chain``), stores the result as the
``audit_chain`` check run (read by ``/readyz`` and ``/metrics``) and, when the chain is
found broken at a row it was not already known to be broken at, logs a critical alert
and appends an ``audit_chain_broken`` event. Run by the ``accounts.verify_audit_chain``
periodic job and by ``walletdesk check_audit``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from walletdesk.core.services import checkruns

from .models import SecurityEvent
from .services import events

log = logging.getLogger(__name__)

CHECK = "audit_chain"
ALERT_KIND = "audit_chain_broken"


@dataclass(frozen=True)
class ChainCheck:
    ok: bool
    first_bad_id: int | None
    events: int
    alerted: bool


def check() -> ChainCheck:
    ok, first_bad = events.verify_chain()
    count = SecurityEvent.objects.count()
    previous = checkruns.last(CHECK)
    known = previous is not None and not previous.ok and \
        previous.detail.get("first_bad_id") == first_bad
    checkruns.store(CHECK, ok, first_bad_id=first_bad, events=count)
    alerted = False
    if not ok and not known:
        # Once per distinct break: the job runs every few minutes and must not flood the log.
        log.critical("security event chain broken at row %s", first_bad)
        # The alert extends the chain from its current tail, so the alert row itself is valid;
        # verification keeps reporting the first bad row.
        events.record(ALERT_KIND, first_bad_id=first_bad, events=count)
        alerted = True
    elif not ok:
        log.error("security event chain still broken at row %s", first_bad)
    return ChainCheck(ok=ok, first_bad_id=first_bad, events=count, alerted=alerted)
