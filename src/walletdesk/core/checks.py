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


# The outside systems and the setting that names each one's provider.
OUTSIDE_PROVIDERS = (
    ("the payment network", "WALLETDESK_NETWORK_PROVIDER", lambda: settings.WALLET["NETWORK_PROVIDER"]),
    ("SMS", "WALLETDESK_SMS_PROVIDER", lambda: settings.NOTIFY["SMS_PROVIDER"]),
    ("telephony", "WALLETDESK_TELEPHONY_PROVIDER", lambda: settings.PHONE["TELEPHONY_PROVIDER"]),
    ("IP-to-place lookup", "WALLETDESK_GEO_PROVIDER", lambda: settings.SECURITY["GEO_PROVIDER"]),
)


@register(deploy=True)
def production_uses_real_providers(app_configs: Any, **kwargs: Any) -> list[Warning]:
    """The development providers behave like real ones, failures included, but reach nobody:
    in production each outside system must be named."""
    if not settings.PRODUCTION:
        return []
    return [Warning(f"{what} still uses the development provider ({current()}); set {name}.",
                    id="walletdesk.W002")
            for what, name, current in OUTSIDE_PROVIDERS
            if current() == "simulator" or ".Development" in str(current())]
