"""Background jobs of live support (autodiscovered by core): agent heartbeat expiry."""

from __future__ import annotations

from .routing import expire_agents

__all__ = ["expire_agents"]
