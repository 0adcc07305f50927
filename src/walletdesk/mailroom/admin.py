"""Read-only back office views of support mail: what came in, what was ignored and why,
what went out and whether it was delivered."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import EmailMessage, EmailThread


class ReadOnly(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(EmailThread)
class EmailThreadAdmin(ReadOnly):
    list_display = ("conversation", "address", "subject", "sender_verified", "created_at")
    list_filter = ("sender_verified",)
    search_fields = ("address", "subject", "conversation__reference")


@admin.register(EmailMessage)
class EmailMessageAdmin(ReadOnly):
    list_display = ("created_at", "direction", "kind", "status", "reason", "from_address", "to_address",
                    "subject", "attempts")
    list_filter = ("direction", "kind", "status", "reason")
    search_fields = ("message_id", "from_address", "to_address", "subject", "thread__conversation__reference")
