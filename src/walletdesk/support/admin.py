from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from walletdesk.core.admin import AuditedAdmin
from walletdesk.core.errors import DomainError

from . import services
from .models import Agent, CannedReply, Conversation


class AgentForm(forms.ModelForm[Agent]):
    class Meta:
        model = Agent
        fields = ["user", "display_name", "latin_name", "employee_id", "skills", "languages",
                  "max_concurrent_chats", "status", "region"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        try:
            data["employee_id"] = services.check_agent(data.get("employee_id") or "",
                                                  data.get("skills") or [],
                                                  data.get("languages") or [])
        except DomainError as exc:
            raise forms.ValidationError(str(exc.message), code=exc.code) from None
        user = data.get("user")
        if user is not None and user.role not in ("agent", "senior_agent", "supervisor"):
            raise forms.ValidationError(str(services.InvalidAgent.default_message),
                                        code="not_an_agent_role")
        return data


@admin.register(Agent)
class AgentAdmin(AuditedAdmin):
    form = AgentForm
    list_display = ("employee_id", "display_name", "latin_name", "region", "status", "last_heartbeat_at")
    list_filter = ("status", "region")
    search_fields = ("employee_id", "display_name", "latin_name")
    readonly_fields = ("last_heartbeat_at",)

    def save_model(self, request: HttpRequest, obj: Agent, form: Any, change: bool) -> None:
        services.save_agent(obj)


@admin.register(CannedReply)
class CannedReplyAdmin(AuditedAdmin):
    list_display = ("title_zh", "title_en", "skill", "sort_order")
    search_fields = ("title_zh", "title_en", "text_zh", "text_en")


@admin.register(Conversation)
class ConversationAdmin(AuditedAdmin):
    """Read-only: conversations change through the console and the services only."""

    list_display = ("reference", "status", "skill", "priority", "agent", "created_at", "rating")
    list_filter = ("status", "skill", "channel")
    search_fields = ("reference",)
    readonly_fields = [f.name for f in Conversation._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
