from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from walletdesk.core.admin import AuditedAdmin

from .models import Call, Callback


class ReadOnly(AuditedAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Callback)
class CallbackAdmin(ReadOnly):
    list_display = ["conversation", "slot_start", "line", "status", "attempts", "created_at"]
    list_filter = ["status"]
    exclude = ["code_salt"]


@admin.register(Call)
class CallAdmin(ReadOnly):
    list_display = ["conversation", "agent", "status", "outcome", "duration_seconds", "started_at"]
    list_filter = ["status", "outcome"]
