"""Service-level job (autodiscovered by core): raise warnings and breaches as they fall due."""

from __future__ import annotations

from walletdesk.core.services import jobs

from . import services


@jobs.periodic("servicelevels.check", seconds=30)
def check() -> int:
    return len(services.check())
