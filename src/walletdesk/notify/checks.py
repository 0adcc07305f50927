"""Deployment check for Web Push (`walletdesk check --deploy` and every start)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Warning, register

from . import conf


@register(deploy=True)
def production_has_a_vapid_key(app_configs: Any, **kwargs: Any) -> list[Warning]:
    if settings.PRODUCTION and not conf.get().vapid_private_key:
        return [Warning(
            "WALLETDESK_VAPID_PRIVATE_KEY is not set: Web Push notifications cannot be sent "
            "(every process must share one key pair, or browsers' subscriptions break).",
            id="walletdesk.W020")]
    return []
