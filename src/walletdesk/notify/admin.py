from django.contrib import admin

from walletdesk.core.admin import AuditedAdmin, ReadOnlyAdmin

from .models import Delivery, Notification, PushSubscription


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "kind", "channel", "to", "status", "error")
    list_filter = ("status", "channel", "kind")
    search_fields = ("to",)


@admin.register(Notification)
class NotificationAdmin(AuditedAdmin):
    list_display = ("created_at", "user", "kind", "title", "read_at")
    list_filter = ("kind",)
    search_fields = ("user__email", "title")
    readonly_fields = ("user", "kind", "title", "body", "link", "source", "created_at", "read_at")


@admin.register(PushSubscription)
class PushSubscriptionAdmin(AuditedAdmin):
    """Support can see and remove a device's subscription; the keys are never shown."""

    list_display = ("user", "device", "created_at", "last_sent_at")
    search_fields = ("user__email", "device")
    fields = ("user", "device", "created_at", "last_sent_at")
    readonly_fields = fields

    def has_add_permission(self, request: object) -> bool:
        return False
