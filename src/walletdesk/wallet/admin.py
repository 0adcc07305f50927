"""The wallet's back office.

Money records (transactions and their events, postings, holds, accounts, payment requests,
idempotency records, the network simulator's memory) are read-only here: they change only
through the wallet's services. Fee policies and promotions are scheduled through
``services.schedule_fee_policy`` / ``schedule_promotion`` / ``end_promotion``, which refuse a
change with less than a minute's notice (the typed error becomes a form error and nothing is
stored). Merchant keys are rotated and revoked through ``merchants``; a new key is shown once.
Every write is audited (``core.admin.AuditedAdmin``).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from walletdesk.core.admin import AuditedAdmin, ReadOnlyAdmin
from walletdesk.core.errors import DomainError
from walletdesk.core.money import format_minor, parse_major

from . import services
from .models import (
    FeeAnnouncement,
    FeePolicy,
    Hold,
    IdempotencyRecord,
    LedgerAccount,
    Merchant,
    NetworkOperation,
    PaymentMethod,
    PaymentRequest,
    Posting,
    Promotion,
    Transaction,
    TransactionEvent,
)
from .present import fill
from .services import merchants


def _form_error(exc: DomainError) -> forms.ValidationError:
    return forms.ValidationError(str(exc.message), code=exc.code)


def _minor(text: str, currency: str) -> int:
    """A fee amount typed in yuan (the currency's major unit); 0 and empty mean none."""
    cleaned = (text or "").strip()
    if cleaned in ("", "0", "0.0", "0.00"):
        return 0
    return parse_major(cleaned, currency)


# --- transactions (read-only) -------------------------------------------------------------

class TransactionEventInline(admin.TabularInline[TransactionEvent, Transaction]):
    model = TransactionEvent
    fields = ("at", "from_label", "to_label", "reason_label", "detail")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=pgettext_lazy("status change", "from"))
    def from_label(self, obj: TransactionEvent) -> str:
        return obj.from_label

    @admin.display(description=pgettext_lazy("status change", "to"))
    def to_label(self, obj: TransactionEvent) -> str:
        return obj.to_label

    @admin.display(description=_("reason"))
    def reason_label(self, obj: TransactionEvent) -> str:
        return obj.reason_label


class MoneyColumns:
    @admin.display(description=_("amount"), ordering="amount")
    def amount_shown(self, obj: Any) -> str:
        return format_minor(obj.amount, obj.currency)

    @admin.display(description=_("fee"), ordering="fee")
    def fee_shown(self, obj: Any) -> str:
        return format_minor(obj.fee, obj.currency)


@admin.register(Transaction)
class TransactionAdmin(MoneyColumns, ReadOnlyAdmin):
    list_display = ("public_id", "created_at", "type", "status", "amount_shown", "fee_shown",
                    "customer", "counterparty", "merchant")
    list_filter = ("type", "status", "currency", "method")
    search_fields = ("public_id", "customer__email", "customer__phone", "network_ref")
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in Transaction._meta.fields]
    inlines = [TransactionEventInline]
    list_select_related = ("customer", "counterparty", "merchant")


@admin.register(TransactionEvent)
class TransactionEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "transaction", "from_shown", "to_shown", "reason_shown")
    list_filter = ("to_status", "reason")
    search_fields = ("transaction__public_id",)
    readonly_fields = [f.name for f in TransactionEvent._meta.fields]

    @admin.display(description=_("previous status"), ordering="from_status")
    def from_shown(self, obj: TransactionEvent) -> str:
        return obj.from_label

    @admin.display(description=_("new status"), ordering="to_status")
    def to_shown(self, obj: TransactionEvent) -> str:
        return obj.to_label

    @admin.display(description=_("reason"), ordering="reason")
    def reason_shown(self, obj: TransactionEvent) -> str:
        return obj.reason_label


@admin.register(Posting)
class PostingAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "transaction", "source", "destination", "amount_shown", "kind")
    list_filter = ("kind", "currency")
    search_fields = ("transaction__public_id",)

    @admin.display(description=_("amount"), ordering="amount")
    def amount_shown(self, obj: Posting) -> str:
        return format_minor(obj.amount, obj.currency)


@admin.register(Hold)
class HoldAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "transaction", "account", "direction", "amount_shown", "status",
                    "closed_at")
    list_filter = ("status", "direction")
    list_select_related = ("account",)

    @admin.display(description=_("amount"), ordering="amount")
    def amount_shown(self, obj: Hold) -> str:
        return format_minor(obj.amount, obj.account.currency)


@admin.register(LedgerAccount)
class LedgerAccountAdmin(ReadOnlyAdmin):
    list_display = ("pk", "kind", "owner", "merchant", "currency", "balance_shown", "created_at")
    list_filter = ("kind", "currency")
    search_fields = ("owner__email", "owner__phone", "merchant__name")

    @admin.display(description=_("balance"), ordering="balance")
    def balance_shown(self, obj: LedgerAccount) -> str:
        return format_minor(obj.balance, obj.currency)


@admin.register(PaymentMethod)
class PaymentMethodAdmin(ReadOnlyAdmin):
    list_display = ("public_id", "owner", "kind", "brand", "is_default", "created_at", "removed_at")
    list_filter = ("kind", "brand")


@admin.register(PaymentRequest)
class PaymentRequestAdmin(MoneyColumns, ReadOnlyAdmin):
    list_display = ("public_id", "merchant", "customer", "amount_shown", "status", "created_at",
                    "expires_at")
    list_filter = ("status",)


@admin.register(IdempotencyRecord)
class IdempotencyRecordAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "scope", "state", "response_status")
    list_filter = ("state", "scope")
    exclude = ("key", "owner_token", "request_hash", "response_body")


@admin.register(NetworkOperation)
class NetworkOperationAdmin(MoneyColumns, ReadOnlyAdmin):
    list_display = ("reference", "kind", "amount_shown", "state", "created_at", "decided_at")
    list_filter = ("state", "kind")


# --- fees ----------------------------------------------------------------------------------

class FeePolicyForm(forms.ModelForm[FeePolicy]):
    """A new version of a policy; amounts in yuan; an optional announcement to customers."""

    saved: FeePolicy | None = None

    fixed_major = forms.CharField(label=_("fixed fee (yuan)"), required=False, initial="0")
    minimum_major = forms.CharField(label=_("minimum fee (yuan)"), required=False, initial="0")
    maximum_major = forms.CharField(label=_("maximum fee (yuan)"), required=False,
                                    help_text=_("empty = no maximum"))
    title_zh = forms.CharField(label=_("announcement title (Chinese)"), required=False, max_length=160)
    title_en = forms.CharField(label=_("announcement title (English)"), required=False, max_length=160)
    body_zh = forms.CharField(label=_("announcement text (Chinese)"), required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))
    body_en = forms.CharField(label=_("announcement text (English)"), required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))

    class Meta:
        model = FeePolicy
        fields = ["operation", "method", "currency", "effective_from", "basis_points"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        currency = data.get("currency") or "CNY"
        try:
            data["fixed"] = _minor(data.get("fixed_major", ""), currency)
            data["minimum"] = _minor(data.get("minimum_major", ""), currency)
            top = (data.get("maximum_major") or "").strip()
            data["maximum"] = _minor(top, currency) if top else None
        except DomainError as exc:
            raise _form_error(exc) from None
        if data["maximum"] is not None and data["maximum"] < data["minimum"]:
            raise forms.ValidationError(_("The maximum fee must not be below the minimum."),
                                        code="fee_max_below_min")
        texts = [data.get(k) or "" for k in ("title_zh", "title_en", "body_zh", "body_en")]
        if any(texts) and not all(texts):
            raise forms.ValidationError(
                _("An announcement needs its title and text in Chinese and in English."),
                code="announcement_incomplete")
        if not self.errors and self.instance.pk is None:
            self.saved = self._schedule(data)
        return data

    def _schedule(self, d: dict[str, Any]) -> FeePolicy | None:
        """The write itself, inside the admin's transaction: a refusal (too little notice,
        unknown method …) becomes a form error and stores nothing."""
        announcement = ({k: d[k] for k in ("title_zh", "title_en", "body_zh", "body_en")}
                        if d.get("title_zh") else None)
        try:
            return services.schedule_fee_policy(
                d["operation"], d["method"], d["currency"], effective_from=d["effective_from"],
                basis_points=d["basis_points"], fixed=d["fixed"], minimum=d["minimum"],
                maximum=d["maximum"], announcement=announcement)
        except DomainError as exc:
            self.add_error(None, _form_error(exc))
            return None


@admin.register(FeePolicy)
class FeePolicyAdmin(AuditedAdmin):
    """Add = schedule the next version (``services.schedule_fee_policy``); versions already
    written are never edited: the next one replaces them at its start."""

    form = FeePolicyForm
    list_display = ("operation", "method", "currency", "version", "basis_points", "fixed_shown",
                    "effective_from", "effective_to")
    list_filter = ("operation", "method", "currency")

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ["operation", "method", "currency", "effective_from", "basis_points", "fixed_major",
                    "minimum_major", "maximum_major", "title_zh", "title_en", "body_zh", "body_en"]
        return [f.name for f in FeePolicy._meta.fields if f.name != "id"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.get_fields(request, obj) if obj is not None else ()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("fixed fee"), ordering="fixed")
    def fixed_shown(self, obj: FeePolicy) -> str:
        return format_minor(obj.fixed, obj.currency)

    def save_form(self, request: HttpRequest, form: Any, change: bool) -> Any:
        return form.saved if not change else form.instance

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        """The service stored the row when the form was checked (``FeePolicyForm.clean``)."""

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """Nothing related to save (no many-to-many fields, no inlines)."""

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a written version is never edited: the next version replaces it


class PromotionForm(forms.ModelForm[Promotion]):
    saved: Promotion | None = None

    class Meta:
        model = Promotion
        fields = ["name_zh", "name_en", "operation", "method", "currency", "discount_bps", "starts_at",
                  "ends_at", "per_user_limit", "is_active"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            raise forms.ValidationError(_("The promotion must end after it starts."),
                                        code="promotion_window")
        if not self.errors:
            try:  # the write, inside the admin's transaction (see FeePolicyForm._schedule)
                self.saved = services.schedule_promotion(**{k: data[k] for k in self.Meta.fields})
            except DomainError as exc:
                self.add_error(None, _form_error(exc))
        return data


class EndPromotionForm(forms.ModelForm[Promotion]):
    """Bring a promotion's end forward (``services.end_promotion``, a minute's notice)."""

    saved: Promotion | None = None

    class Meta:
        model = Promotion
        fields = ["ends_at"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        new_end = data.get("ends_at")
        if new_end is None or self.errors:
            return data
        current = Promotion.objects.get(pk=self.instance.pk)
        if new_end >= current.ends_at:
            self.add_error("ends_at", forms.ValidationError(
                _("A promotion can only be ended earlier; schedule a new one to extend it."),
                code="promotion_extend"))
            return data
        try:
            self.saved = services.end_promotion(current, new_end)
        except DomainError as exc:
            self.add_error("ends_at", _form_error(exc))
        return data


@admin.register(Promotion)
class PromotionAdmin(AuditedAdmin):
    """Add = ``services.schedule_promotion``; change = bring the end forward with
    ``services.end_promotion`` (both with a minute's notice)."""

    list_display = ("name_zh", "name_en", "operation", "method", "currency", "discount_bps",
                    "starts_at", "ends_at", "is_active")
    list_filter = ("operation", "is_active")

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        kwargs["form"] = EndPromotionForm if obj is not None else PromotionForm
        return super().get_form(request, obj, change, **kwargs)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return PromotionForm.Meta.fields
        return [*[f for f in PromotionForm.Meta.fields if f != "ends_at"], "ends_at"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return [f for f in PromotionForm.Meta.fields if f != "ends_at"] if obj is not None else ()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_form(self, request: HttpRequest, form: Any, change: bool) -> Any:
        return form.saved

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        """The service stored the change when the form was checked."""

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """Nothing related to save (no many-to-many fields, no inlines)."""


@admin.register(FeeAnnouncement)
class FeeAnnouncementAdmin(ReadOnlyAdmin):
    """Written with its policy (the fee policy's add form); kept as published."""

    list_display = ("title_zh", "title_en", "policy", "published_at")


# --- merchants -----------------------------------------------------------------------------

@admin.register(Merchant)
class MerchantAdmin(AuditedAdmin):
    list_display = ("name", "name_en", "slug", "is_active", "api_key_shown", "created_at")
    list_filter = ("is_active",)
    search_fields = ("name", "name_en", "slug")
    fields = ("name", "name_en", "slug", "user", "is_active", "api_key_shown", "created_at")
    readonly_fields = ("api_key_shown", "created_at")
    raw_id_fields = ("user",)
    actions = ["rotate_api_key", "revoke_api_key"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # merchants have ledger accounts and payments: deactivate instead

    @admin.display(description=_("API key"))
    def api_key_shown(self, obj: Merchant) -> str:
        return ("…" + obj.api_key_hint) if obj.api_key_hash else str(_("none"))

    @admin.action(description=_("Issue a new API key (the old one stops working)"))
    def rotate_api_key(self, request: HttpRequest, queryset: QuerySet[Merchant]) -> None:
        for merchant in queryset:
            raw = merchants.issue_api_key(merchant)
            self.message_user(request, fill(_("New API key for %(merchant)s (shown this once): "
                                              "%(key)s"), merchant=merchant.name, key=raw),
                              messages.WARNING)

    @admin.action(description=_("Revoke the API key"))
    def revoke_api_key(self, request: HttpRequest, queryset: QuerySet[Merchant]) -> None:
        done = sum(merchants.revoke_api_key(m) for m in queryset)
        self.message_user(request, _("API keys revoked: %(n)d") % {"n": done})


