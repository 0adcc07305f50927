"""Background jobs of the accounts app."""

from __future__ import annotations

from datetime import timedelta

from walletdesk.core import clock
from walletdesk.core.services import jobs

from . import chaincheck
from .models import PasskeyChallenge, PendingLogin, User


@jobs.periodic("accounts.purge_stale_sign_ups", seconds=3600)
def purge_stale_sign_ups() -> None:
    """Sign-ups never confirmed within 7 days are removed (they hold no money and no events)."""
    cutoff = clock.now() - timedelta(days=7)
    User.objects.filter(is_active=False, verified_at__isnull=True, date_joined__lt=cutoff,
                        security_events__isnull=True).delete()
    PendingLogin.objects.filter(expires_at__lt=clock.now() - timedelta(days=1)).delete()
    PasskeyChallenge.objects.filter(expires_at__lt=clock.now() - timedelta(days=1)).delete()


@jobs.task("accounts.send_code")
def send_code(sealed: str, purpose: str, ip: str | None = None) -> None:
    """A reset or unlock code asked for on a page or the API (the login is sealed in the row)."""
    from . import services
    from .services import mfa

    services.send_code_now(mfa.unseal(sealed), purpose, ip)


# The whole chain is recomputed from the first row, so every 15 minutes (ADR 0106).
@jobs.periodic("accounts.verify_audit_chain", seconds=900)
def verify_audit_chain() -> None:
    chaincheck.check()
