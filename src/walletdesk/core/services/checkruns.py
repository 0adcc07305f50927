"""The last result of each periodic integrity check (``CheckRun``), shared by every process.

Domain apps run the check (the audit chain: ``accounts.chaincheck``) and store its result
here; ``/readyz`` and ``/metrics`` (``core.observability``) read it without knowing the app.
"""

from __future__ import annotations

from typing import Any

from .. import clock
from ..models import CheckRun


def store(name: str, ok: bool, **detail: Any) -> CheckRun:
    run, _created = CheckRun.objects.update_or_create(
        name=name, defaults={"ok": ok, "detail": detail, "checked_at": clock.now()})
    return run


def last(name: str) -> CheckRun | None:
    return CheckRun.objects.filter(name=name).first()


def every() -> list[CheckRun]:
    return list(CheckRun.objects.order_by("name"))
