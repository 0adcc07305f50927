"""Typed errors shared by every entry point.

A service raises :class:`DomainError` (or a subclass) with a stable ``code``;
the API turns it into ``{"code", "message", ...}`` with its HTTP status, the
pages show the translated message. Codes never change once published.
"""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    status = 400
    code = "bad_request"
    default_message: str | Promise = _("The request could not be processed.")

    def __init__(
        self,
        message: str | Promise | None = None,
        *,
        code: str | None = None,
        status: int | None = None,
        **details: Any,
    ) -> None:
        self.message = message if message is not None else self.default_message
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status
        self.details = details
        super().__init__(f"{self.code}: {self.message}")

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": str(self.message), **self.details}


class ValidationFailed(DomainError):
    status = 422
    code = "invalid_input"
    default_message = _("Some of the values are not valid.")


class NotFound(DomainError):
    status = 404
    code = "not_found"
    default_message = _("Not found.")


class PermissionDenied(DomainError):
    status = 403
    code = "forbidden"
    default_message = _("You are not allowed to do this.")


class Conflict(DomainError):
    status = 409
    code = "conflict"
    default_message = _("The request conflicts with the current state.")


class Unauthenticated(DomainError):
    status = 401
    code = "not_authenticated"
    default_message = _("Please log in.")
