"""Phone jobs (autodiscovered by core): status events of the development telephony provider."""

from __future__ import annotations

from walletdesk.core.services import jobs

from . import services


@jobs.task("phone.provider_event")
def provider_event(call_id: str, status: str) -> bool:
    return services.on_call_event(call_id, status)
