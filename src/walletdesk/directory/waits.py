"""The hook for "estimated wait" on phone and chat channels.

The live-support app registers a provider (``register(fn)``, typically in its
``AppConfig.ready``); ``fn(channel)`` returns seconds or None. Until one is
registered every estimate is None, and the pages say nothing about waiting.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Provider = Callable[[Any], int | None]
_providers: list[Provider] = []
KINDS_WITH_WAIT = ("phone", "chat")


def register(provider: Provider) -> Provider:
    if provider not in _providers:
        _providers.append(provider)
    return provider


def unregister(provider: Provider) -> None:
    if provider in _providers:
        _providers.remove(provider)


def estimate(channel: Any) -> int | None:
    if channel.kind not in KINDS_WITH_WAIT:
        return None
    for provider in _providers:
        seconds = provider(channel)
        if seconds is not None:
            return max(0, int(seconds))
    return None
