"""Background jobs of live support (autodiscovered by core): agent heartbeat expiry,
releasing held conversations (left after hours, or booked callbacks) into the queue, and
triage routing of new "general" conversations (the classifier loads only in the worker)."""

from __future__ import annotations

from walletdesk.core.services import jobs

from .services import conversations
from .services.routing import expire_agents


@jobs.periodic("support.release_held", seconds=60)
def release_held() -> int:
    return conversations.release_held()


@jobs.task("support.triage_route")
def triage_route(conversation_id: int) -> bool:
    return conversations.triage_route(conversation_id)


__all__ = ["expire_agents", "release_held", "triage_route"]
