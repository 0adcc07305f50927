"""The one clock of the project.

Every timestamp that the domain writes or compares comes from :func:`now`, so
tests (and the demo) can move time forward instead of sleeping. The offset can
also come from ``WALLETDESK_CLOCK_OFFSET_SECONDS`` (``settings.CLOCK_OFFSET_SECONDS``)
for a server started by a browser test; production refuses to start with one
(``core.checks``, ADR 0112).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

_lock = threading.Lock()
_offset = timedelta(seconds=float(settings.CLOCK_OFFSET_SECONDS))
_frozen: datetime | None = None


def now() -> datetime:
    if _frozen is not None:
        return _frozen
    return timezone.now() + _offset


def advance(seconds: float = 0, **kwargs: float) -> datetime:
    """Move the clock forward (tests and demo tooling only)."""
    global _offset, _frozen
    delta = timedelta(seconds=seconds, **kwargs)
    with _lock:
        if _frozen is not None:
            _frozen = _frozen + delta
        else:
            _offset = _offset + delta
    return now()


def reset() -> None:
    global _offset, _frozen
    with _lock:
        _offset = timedelta(0)
        _frozen = None


@contextmanager
def frozen(at: datetime) -> Iterator[None]:
    global _frozen
    previous = _frozen
    _frozen = at
    try:
        yield
    finally:
        _frozen = previous
