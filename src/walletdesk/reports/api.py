"""Reports API (/api/v1/support/reports): the report page's figures as JSON."""

from __future__ import annotations

from typing import Any

from ninja import Router

from walletdesk.accounts.auth import USER_AUTH, AuthedRequest
from walletdesk.core.schemas import ErrorOut

from . import access, figures, filters
from .schemas import DeskReportOut

router = Router(tags=["reports"])


@router.get("", response={200: DeskReportOut, 403: ErrorOut}, auth=USER_AUTH, by_alias=True,
            exclude_unset=True)
def report(request: AuthedRequest) -> dict[str, Any]:
    """Query: ``from``, ``to`` (dates, both included, in ``tz`` or the caller's time zone),
    ``channel``, ``region``, ``topic``. Supervisors and administrators only (403 otherwise)."""
    access.require_viewer(request.user)
    return figures.report(filters.parse(request.GET, request.user))
