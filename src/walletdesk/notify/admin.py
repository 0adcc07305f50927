from django.contrib import admin

from .models import Delivery


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ("created_at", "kind", "channel", "to", "status", "error")
    list_filter = ("status", "channel", "kind")
    search_fields = ("to",)
