"""Deployment checks (`walletdesk check --deploy` and every start)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Warning, register


@register(deploy=True)
def production_needs_redis(app_configs: Any, **kwargs: Any) -> list[Warning]:
    if settings.PRODUCTION and not settings.REDIS_URL:
        return [Warning(
            "WALLETDESK_REDIS_URL is not set: rate limits, cached counters and chat events "
            "then stay inside one process, which is wrong with several processes.",
            id="walletdesk.W001")]
    return []
