from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from walletdesk.accounts.models import STAFF_ROLES


def site(request: HttpRequest) -> dict[str, Any]:
    return {"LANGUAGES": settings.LANGUAGES, "DEV_OUTBOX": settings.DEV_OUTBOX,
            "STAFF_ROLES": STAFF_ROLES}

