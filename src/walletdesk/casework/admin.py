"""Read-only back office views of verifications, actions and refund requests (the audit
record is written by the services only; nothing here changes it)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from .models import AgentAction, MerchantRefundRequest, Verification


class ReadOnly(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(AgentAction)
class AgentActionAdmin(ReadOnly):
    list_display = ("pk", "action", "status", "requested_by", "approved_by", "conversation",
                    "created_at")
    list_filter = ("action", "status")
    search_fields = ("conversation__reference", "requested_by__employee_id", "reason")


@admin.register(Verification)
class VerificationAdmin(ReadOnly):
    list_display = ("pk", "conversation", "method", "status", "requested_by", "created_at",
                    "confirmed_at", "expires_at")
    list_filter = ("method", "status")


@admin.register(MerchantRefundRequest)
class MerchantRefundRequestAdmin(ReadOnly):
    list_display = ("pk", "merchant", "payment", "amount", "status", "created_at", "granted_at")
    list_filter = ("status",)
