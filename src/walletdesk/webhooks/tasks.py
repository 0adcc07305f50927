"""Background jobs of webhooks (autodiscovered by core): one job per delivery try."""

from __future__ import annotations

from walletdesk.core import jobs

from . import services


@jobs.task("webhooks.deliver")
def deliver(delivery_id: int, attempt: int) -> None:
    services.attempt(delivery_id, attempt)
