from django.contrib import admin

from walletdesk.core.admin import ReadOnlyAdmin

from .models import Delivery


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "kind", "channel", "to", "status", "error")
    list_filter = ("status", "channel", "kind")
    search_fields = ("to",)
