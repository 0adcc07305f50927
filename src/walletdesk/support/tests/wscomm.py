"""Channels' own WebsocketCommunicator, imported without running ``channels/testing/__init__``
(it imports daphne for its live-server test case; this project serves with uvicorn)."""

from __future__ import annotations

import sys
import types
from pathlib import Path

import channels

if "channels.testing" not in sys.modules:
    _pkg = types.ModuleType("channels.testing")
    _pkg.__path__ = [str(Path(channels.__file__).parent / "testing")]
    sys.modules["channels.testing"] = _pkg

from channels.testing.websocket import WebsocketCommunicator

__all__ = ["WebsocketCommunicator"]
