"""Who may read the desk reports: supervisors and administrators."""

from __future__ import annotations

from typing import Any

from .errors import ReportsForbidden

ROLES = ("supervisor", "admin")


def can_view(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and getattr(user, "role", "") in ROLES


def require_viewer(user: Any) -> None:
    if not can_view(user):
        raise ReportsForbidden()
