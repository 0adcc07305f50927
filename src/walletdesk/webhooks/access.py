"""Who may manage webhooks: supervisors and administrators."""

from __future__ import annotations

from typing import Any

from .errors import EndpointNotFound, WebhooksForbidden
from .models import Endpoint

ROLES = ("supervisor", "admin")


def can_manage(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and getattr(user, "role", "") in ROLES


def require_manager(user: Any) -> None:
    if not can_manage(user):
        raise WebhooksForbidden()


def endpoint_or_404(endpoint_id: int) -> Endpoint:
    endpoint = Endpoint.objects.filter(pk=endpoint_id).first()
    if endpoint is None:
        raise EndpointNotFound()
    return endpoint
