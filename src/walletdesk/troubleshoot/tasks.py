"""Background job of the troubleshooters (registered by core's autodiscovery)."""

from __future__ import annotations

from walletdesk.core.services import jobs

from . import services


@jobs.task("troubleshoot.explain_lock")
def explain_lock(sealed: str) -> None:
    services.send_lock_diagnosis(sealed)
