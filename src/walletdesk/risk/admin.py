from django.contrib import admin

from walletdesk.accounts.models import AccountHold, SecurityEvent

from .models import RiskDecision, RiskRule


@admin.register(RiskRule)
class RiskRuleAdmin(admin.ModelAdmin):
    list_display = ("code", "enabled", "outcome", "limit_count", "limit_amount", "factor",
                    "window_hours")
    list_editable = ("enabled", "outcome", "limit_count", "limit_amount", "factor", "window_hours")


@admin.register(RiskDecision)
class RiskDecisionAdmin(admin.ModelAdmin):
    list_display = ("created_at", "user", "operation", "amount", "currency", "outcome")
    list_filter = ("outcome", "operation")
    readonly_fields = [f.name for f in RiskDecision._meta.fields]

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(SecurityEvent)
class SecurityEventAdmin(admin.ModelAdmin):
    list_display = ("at", "kind", "user", "ip")
    list_filter = ("kind",)
    search_fields = ("user__email", "user__phone", "kind")
    readonly_fields = [f.name for f in SecurityEvent._meta.fields]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(AccountHold)
class AccountHoldAdmin(admin.ModelAdmin):
    list_display = ("created_at", "user", "kind", "reason", "until", "released_at")
    list_filter = ("kind",)
