"""Channels' own WebsocketCommunicator, imported without running ``channels/testing/__init__``
(it imports daphne for its live-server test case; this project serves with uvicorn)."""

from __future__ import annotations

import sys
import types
from pathlib import Path
from typing import Any

import channels

if "channels.testing" not in sys.modules:
    _pkg = types.ModuleType("channels.testing")
    _pkg.__path__ = [str(Path(channels.__file__).parent / "testing")]
    sys.modules["channels.testing"] = _pkg

from channels.testing.websocket import WebsocketCommunicator as _Communicator

# Channels waits 1 s for a frame. `make test` runs three streams on two cores, and under that
# load a socket's handshake (a session or token read, a thread hand-off) can take longer: a
# test then failed on the machine's load, not on what it checks. Waiting for a frame that must
# come may take up to 10 s; waiting for one that must not (`receive_nothing`) stays short.
PATIENCE = 10.0


class WebsocketCommunicator(_Communicator):  # type: ignore[misc]
    async def connect(self, timeout: float = PATIENCE) -> Any:
        return await super().connect(timeout)

    async def receive_from(self, timeout: float = PATIENCE) -> Any:
        return await super().receive_from(timeout)

    async def receive_json_from(self, timeout: float = PATIENCE) -> Any:
        return await super().receive_json_from(timeout)


__all__ = ["WebsocketCommunicator"]
