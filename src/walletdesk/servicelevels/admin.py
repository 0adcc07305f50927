from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from walletdesk.core.admin import AuditedAdmin
from walletdesk.core.errors import DomainError

from . import services
from .models import Event, Policy, Timer


class PolicyForm(forms.ModelForm[Policy]):
    class Meta:
        model = Policy
        fields = ["priority", "first_response_minutes", "resolution_minutes", "warn_percent"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        candidate = Policy(**{k: data.get(k) or 0 for k in self.Meta.fields})
        try:
            services.check_policy(candidate)
        except DomainError as exc:
            raise forms.ValidationError(str(exc.message), code=exc.code) from None
        return data


@admin.register(Policy)
class PolicyAdmin(AuditedAdmin):
    form = PolicyForm
    list_display = ["priority", "first_response_minutes", "resolution_minutes", "warn_percent", "updated_at"]

    def save_model(self, request: HttpRequest, obj: Policy, form: Any, change: bool) -> None:
        services.save_policy(obj)


@admin.register(Timer)
class TimerAdmin(AuditedAdmin):
    list_display = ["conversation", "priority", "region", "state", "started_at", "first_response_due",
                    "resolution_due", "stopped_at"]
    list_filter = ["state", "priority", "region"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Event)
class EventAdmin(AuditedAdmin):
    list_display = ["conversation", "target", "kind", "at", "raised_at"]
    list_filter = ["kind", "target"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
