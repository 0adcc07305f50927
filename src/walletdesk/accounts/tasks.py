"""Background jobs of the accounts app."""

from __future__ import annotations

from walletdesk.core.services import jobs

from . import chaincheck, services
from .services import mfa


@jobs.periodic("accounts.purge_stale_sign_ups", seconds=3600)
def purge_stale_sign_ups() -> None:
    services.purge_stale_sign_ups()


@jobs.task("accounts.send_code")
def send_code(sealed: str, purpose: str, ip: str | None = None) -> None:
    """A reset or unlock code asked for on a page or the API (the login is sealed in the row)."""
    services.send_code_now(mfa.unseal(sealed), purpose, ip)


# The whole chain is recomputed from the first row, so every 15 minutes (ADR 0106).
@jobs.periodic("accounts.verify_audit_chain", seconds=900)
def verify_audit_chain() -> None:
    chaincheck.check()
