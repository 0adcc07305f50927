"""Websocket routes of every app (Channels)."""

from __future__ import annotations

from typing import Any

from django.urls import path

from walletdesk.support import consumers as support

websocket_urlpatterns: list[Any] = [
    path("ws/support/conversations/<int:conversation_id>/", support.CustomerChat.as_asgi()),
    path("ws/agent/", support.AgentConsole.as_asgi()),
]
