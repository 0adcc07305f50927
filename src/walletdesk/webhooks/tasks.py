"""Background jobs of webhooks (autodiscovered by core): the scanner that turns new support
messages into events, and one job per delivery try."""

from __future__ import annotations

from walletdesk.core.services import jobs

from . import conf, services


@jobs.task("webhooks.deliver")
def deliver(delivery_id: int, attempt: int) -> None:
    services.attempt(delivery_id, attempt)


@jobs.periodic("webhooks.scan", seconds=conf.get().scan_every_seconds)
def scan() -> int:
    return services.scan()


@jobs.periodic("webhooks.purge", seconds=3600)
def purge() -> int:
    return services.purge_old()
