"""Read-only back office views of verifications, actions and refund requests (the audit
record is written by the services only; nothing here changes it)."""

from __future__ import annotations

from django.contrib import admin

from walletdesk.core.admin import ReadOnlyAdmin

from .models import AgentAction, MerchantRefundRequest, Verification


@admin.register(AgentAction)
class AgentActionAdmin(ReadOnlyAdmin):
    list_display = ("pk", "action", "status", "requested_by", "approved_by", "conversation",
                    "created_at")
    list_filter = ("action", "status")
    search_fields = ("conversation__reference", "requested_by__employee_id", "reason")


@admin.register(Verification)
class VerificationAdmin(ReadOnlyAdmin):
    list_display = ("pk", "conversation", "method", "status", "requested_by", "created_at",
                    "confirmed_at", "expires_at")
    list_filter = ("method", "status")


@admin.register(MerchantRefundRequest)
class MerchantRefundRequestAdmin(ReadOnlyAdmin):
    list_display = ("pk", "merchant", "payment", "amount", "status", "created_at", "granted_at")
    list_filter = ("status",)
