from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from walletdesk.core.errors import DomainError
from walletdesk.core.money import CURRENCY_CHOICES, parse_major

from .models import OPERATION_METHODS, Merchant, Method

METHOD_LABELS = dict(Method.choices)


def method_choices(operation: str) -> list[tuple[str, Any]]:
    return [(m, METHOD_LABELS[m]) for m in OPERATION_METHODS[operation]]


class MoneyForm(forms.Form):
    """Amount typed in major units (12.34), parsed to minor units without floats."""

    operation = ""
    amount = forms.CharField(label=_("Amount"), max_length=20)
    currency = forms.ChoiceField(label=_("Currency"), choices=CURRENCY_CHOICES)
    idem = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "method" in self.fields:
            self.fields["method"].choices = method_choices(self.operation)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "amount" in data and "currency" in data:
            try:
                data["amount_minor"] = parse_major(data["amount"], data["currency"])
            except DomainError as exc:
                self.add_error("amount", str(exc.message))
        return data


class TopUpForm(MoneyForm):
    operation = "topup"
    method = forms.ChoiceField(label=_("From"))


class WithdrawForm(MoneyForm):
    operation = "withdrawal"
    method = forms.ChoiceField(label=_("To"))


class TransferForm(MoneyForm):
    operation = "transfer"
    to = forms.CharField(label=_("Recipient's email or mobile number"), max_length=254)
    note = forms.CharField(label=_("Note"), max_length=140, required=False)


class PayForm(MoneyForm):
    operation = "payment"
    merchant = forms.ModelChoiceField(label=_("Merchant"), to_field_name="slug",
                                      queryset=Merchant.objects.filter(is_active=True))
    method = forms.ChoiceField(label=_("Pay with"))


class CardForm(forms.Form):
    kind = forms.ChoiceField(label=_("Card type"), choices=method_choices("topup"))
    card_number = forms.CharField(label=_("Card number"), max_length=40)


class RefundForm(forms.Form):
    amount = forms.CharField(label=_("Refund amount"), max_length=20)
    idem = forms.CharField(widget=forms.HiddenInput, max_length=64)
