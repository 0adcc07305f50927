"""Background jobs of live support (autodiscovered by core): agent heartbeat expiry, and
releasing held conversations (left after hours, or booked callbacks) into the queue."""

from __future__ import annotations

from walletdesk.core import jobs

from . import conversations
from .routing import expire_agents


@jobs.periodic("support.release_held", seconds=60)
def release_held() -> int:
    return conversations.release_held()


__all__ = ["expire_agents", "release_held"]
