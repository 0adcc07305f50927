"""Back office: endpoints (saved through services, so the address checks apply) and the
delivery log, read-only."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from walletdesk.core.admin import AuditedAdmin
from walletdesk.core.errors import DomainError

from . import safety, services
from .models import Attempt, Delivery, Endpoint, Event


class EndpointForm(forms.ModelForm[Endpoint]):
    url = forms.URLField(label=_("URL"), max_length=500, assume_scheme="https")

    class Meta:
        model = Endpoint
        fields = ["url", "description", "event_types", "is_active"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        try:
            safety.check(data.get("url"))
            data["event_types"] = services.check_event_types(data.get("event_types") or [])
        except DomainError as exc:
            raise forms.ValidationError(str(exc.message), code=exc.code) from None
        return data


@admin.register(Endpoint)
class EndpointAdmin(AuditedAdmin):
    form = EndpointForm
    list_display = ("url", "description", "is_active", "disabled_reason", "created_at")
    list_filter = ("is_active",)
    readonly_fields = ("disabled_reason", "created_by", "created_at")
    actions = ["send_test_event"]

    def save_model(self, request: HttpRequest, obj: Endpoint, form: Any, change: bool) -> None:
        if change:
            services.update_endpoint(obj, url=obj.url, description=obj.description,
                                     event_types=obj.event_types, is_active=obj.is_active)
        else:
            created = services.create_endpoint(url=obj.url, description=obj.description,
                                               event_types=obj.event_types, by=request.user)
            obj.pk = created.pk
            messages.info(request, _("Signing secret (shown this once): %(s)s") % {"s": created.secret})

    @admin.action(description=_("Send a test event"))
    def send_test_event(self, request: HttpRequest, queryset: QuerySet[Endpoint]) -> None:
        for endpoint in queryset:
            services.send_test(endpoint, request.user)


class AttemptInline(admin.TabularInline[Attempt, Delivery]):
    model = Attempt
    extra = 0
    can_delete = False
    fields = ("number", "started_at", "duration_ms", "status_code", "response_snippet", "error",
              "next_attempt_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Delivery)
class DeliveryAdmin(AuditedAdmin):
    list_display = ("event", "endpoint", "status", "attempts", "last_status_code", "next_attempt_at",
                    "created_at")
    list_filter = ("status", "endpoint")
    inlines = [AttemptInline]
    readonly_fields = ("event", "endpoint", "status", "attempts", "last_status_code",
                       "next_attempt_at", "created_at", "finished_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Event)
class EventAdmin(AuditedAdmin):
    list_display = ("id", "type", "conversation", "created_at")
    list_filter = ("type",)
    readonly_fields = ("id", "type", "conversation", "body", "created_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
