"""Read-only back office views of support mail: what came in, what was ignored and why,
what went out and whether it was delivered."""

from __future__ import annotations

from django.contrib import admin

from walletdesk.core.admin import ReadOnlyAdmin

from .models import EmailMessage, EmailThread


@admin.register(EmailThread)
class EmailThreadAdmin(ReadOnlyAdmin):
    list_display = ("conversation", "address", "subject", "sender_verified", "created_at")
    list_filter = ("sender_verified",)
    search_fields = ("address", "subject", "conversation__reference")


@admin.register(EmailMessage)
class EmailMessageAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "direction", "kind", "status", "reason", "from_address", "to_address",
                    "subject", "attempts")
    list_filter = ("direction", "kind", "status", "reason")
    search_fields = ("message_id", "from_address", "to_address", "subject", "thread__conversation__reference")
