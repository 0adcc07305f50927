"""Background jobs of the disputes app."""

from __future__ import annotations

from walletdesk.core.services import jobs


@jobs.periodic("disputes.expire_due", seconds=60)
def expire_due() -> None:
    from .services import expire_due as run

    run()
