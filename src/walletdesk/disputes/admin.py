"""Back office: merchants' refund terms (deadline and region, audited like every admin
change; the webhook endpoint is set through ``services.configure_merchant`` so the webhooks
app checks its address) and read-only refund requests with their timelines."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from walletdesk.core.admin import AuditedAdmin, ReadOnlyAdmin

from .models import MerchantTerms, RefundRequest, RefundRequestEvent


@admin.register(MerchantTerms)
class MerchantTermsAdmin(AuditedAdmin):
    list_display = ("merchant", "answer_business_days", "region", "webhook")
    fields = ("merchant", "answer_business_days", "region", "webhook")
    readonly_fields = ("webhook",)


class EventInline(admin.TabularInline[RefundRequestEvent, RefundRequest]):
    model = RefundRequestEvent
    extra = 0
    can_delete = False
    fields = ("at", "kind", "actor", "amount", "note")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: RefundRequest | None = None) -> bool:
        return False


@admin.register(RefundRequest)
class RefundRequestAdmin(ReadOnlyAdmin):
    list_display = ("public_id", "merchant", "payment", "amount", "status", "respond_by",
                    "created_at")
    list_filter = ("status", "reason")
    search_fields = ("public_id", "payment__public_id", "merchant__slug")
    exclude = ("customer",)
    inlines = (EventInline,)
