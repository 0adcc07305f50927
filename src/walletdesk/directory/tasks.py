"""Directory jobs (autodiscovered by core): the hourly wait forecast."""

from __future__ import annotations

from walletdesk.core.services import jobs

from . import services


@jobs.periodic("directory.wait_forecast", seconds=3600)
def wait_forecast() -> int:
    return services.refresh_forecast()
