from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from walletdesk.accounts.models import AccountHold, SecurityEvent, User
from walletdesk.accounts.netutil import client_ip
from walletdesk.core.admin import AuditedAdmin, ReadOnlyAdmin
from walletdesk.core.errors import DomainError
from walletdesk.core.money import format_minor, parse_major

from .forms import ReviewForm
from .models import Review, RiskDecision, RiskRule
from .services import review


class RiskRuleForm(forms.ModelForm[RiskRule]):
    """The amount limit is typed in yuan (the operation currency's major unit), stored in
    minor units."""

    limit_amount = forms.CharField(label=_("amount limit (yuan)"), required=False,
                                   help_text=_("in the operation's currency; empty = no limit"))

    class Meta:
        model = RiskRule
        fields = ["enabled", "outcome", "limit_count", "limit_amount", "factor", "window_hours"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        minor = self.instance.limit_amount if self.instance.pk else None
        self.initial["limit_amount"] = "" if minor is None else format_minor(minor, "CNY", symbol=False)

    def clean_limit_amount(self) -> int | None:
        text = (self.cleaned_data.get("limit_amount") or "").strip()
        if not text:
            return None
        try:
            return parse_major(text, "CNY")
        except DomainError as exc:
            raise forms.ValidationError(str(exc.message), code=exc.code) from None


@admin.register(RiskRule)
class RiskRuleAdmin(AuditedAdmin):
    form = RiskRuleForm
    list_display = ("code", "enabled", "outcome", "limit_count", "limit_amount", "factor",
                    "window_hours")
    list_editable = ("enabled", "outcome", "limit_count", "limit_amount", "factor", "window_hours")

    def get_changelist_form(self, request: HttpRequest, **kwargs: Any) -> Any:
        return super().get_changelist_form(request, form=RiskRuleForm, **kwargs)


@admin.register(RiskDecision)
class RiskDecisionAdmin(AuditedAdmin):
    list_display = ("created_at", "user", "operation", "amount", "currency", "outcome")
    list_filter = ("outcome", "operation")
    readonly_fields = [f.name for f in RiskDecision._meta.fields]

    def has_change_permission(self, request: HttpRequest, obj: RiskDecision | None = None) -> bool:
        return False


@admin.register(SecurityEvent)
class SecurityEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "kind", "user", "ip")
    list_filter = ("kind",)
    search_fields = ("user__email", "user__phone", "kind")
    readonly_fields = [f.name for f in SecurityEvent._meta.fields]


@admin.register(AccountHold)
class AccountHoldAdmin(AuditedAdmin):
    list_display = ("created_at", "user", "kind", "reason", "until", "released_at")
    list_filter = ("kind",)
    actions = ["release_review_holds"]

    @admin.action(description=_("Lift the selected freezes placed after a payment review"))
    def release_review_holds(self, request: HttpRequest, queryset: QuerySet[AccountHold]) -> None:
        done = 0
        for hold in queryset.filter(kind=AccountHold.Kind.REVIEW):
            try:
                done += review.release_review_hold(request.user, hold,  # type: ignore[arg-type]
                                                   ip=client_ip(request))
            except DomainError as exc:
                self.message_user(request, f"{hold}: {exc.message}", messages.ERROR)
        self.message_user(request, _("Freezes lifted: %(n)d") % {"n": done})


@admin.register(Review)
class ReviewAdmin(ReadOnlyAdmin):
    """Held payments: approve or reject with a reason (the same service as the staff page)."""

    list_display = ("opened_at", "user", "operation", "amount", "payee", "status", "reviewer",
                    "reviewed_at")
    list_filter = ("status",)
    search_fields = ("user__email", "user__phone", "decision__payee")
    readonly_fields = [f.name for f in Review._meta.fields]
    actions = ["approve_selected", "reject_selected"]

    @admin.display(description=_("Operation"))
    def operation(self, obj: Review) -> str:
        return obj.decision.operation

    @admin.display(description=_("Amount"))
    def amount(self, obj: Review) -> str:
        return format_minor(obj.decision.amount, obj.decision.currency)

    @admin.display(description=_("Payee"))
    def payee(self, obj: Review) -> str:
        return obj.decision.payee


    @admin.action(description=_("Approve the selected held payments"))
    def approve_selected(self, request: HttpRequest, queryset: QuerySet[Review]) -> Any:
        return self._decide(request, queryset, "approve_selected")

    @admin.action(description=_("Reject the selected held payments"))
    def reject_selected(self, request: HttpRequest, queryset: QuerySet[Review]) -> Any:
        return self._decide(request, queryset, "reject_selected")

    def _decide(self, request: HttpRequest, queryset: QuerySet[Review], action: str) -> Any:
        form = ReviewForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            reviewer: User = request.user  # type: ignore[assignment]
            done, note, ip = 0, form.cleaned_data["note"], client_ip(request)
            for case in queryset:
                try:
                    if action == "approve_selected":
                        review.approve(reviewer, case.pk, note, ip=ip)
                    else:
                        review.reject(reviewer, case.pk, note, ip=ip,
                                      freeze=form.cleaned_data["freeze"])
                    done += 1
                except DomainError as exc:
                    self.message_user(request, f"{case}: {exc.message}", messages.ERROR)
            self.message_user(request, _("Decided: %(n)d") % {"n": done})
            return None
        return TemplateResponse(request, "admin/risk/review/decide.html", {
            **self.admin_site.each_context(request), "title": _("Decide held payments"),
            "form": form, "cases": queryset, "action": action, "opts": self.model._meta,
            "selected": helpers.ACTION_CHECKBOX_NAME})
