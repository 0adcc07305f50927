"""API shapes shared by every router."""

from __future__ import annotations

from ninja import Schema


class ErrorOut(Schema):
    """Every refusal: a stable ``code`` and a translated ``message``."""

    code: str
    message: str
