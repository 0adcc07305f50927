from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from walletdesk.accounts.models import User
from walletdesk.core.errors import DomainError
from walletdesk.core.money import CURRENCY_CHOICES, MAX_AMOUNT_MINOR, format_minor, parse_major

from .models import OPERATION_METHODS, Merchant, Method, PaymentMethod

METHOD_LABELS = dict(Method.choices)


def method_choices(operation: str) -> list[tuple[str, Any]]:
    return [(m, METHOD_LABELS[m]) for m in OPERATION_METHODS[operation]]


def amount_input() -> forms.TextInput:
    """A phone shows its number pad with a decimal point for amounts."""
    return forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off",
                                  "placeholder": "0.00", "class": "amount-input"})


def usable_cards(user: User, operation: str) -> list[PaymentMethod]:
    """The linked cards this operation can use, default first."""
    kinds = [m for m in OPERATION_METHODS[operation] if m != Method.BALANCE]
    return list(PaymentMethod.objects.filter(owner=user, kind__in=kinds, removed_at__isnull=True)
                .order_by("-is_default", "kind", "-created_at"))


# A card's kind in a few characters, after its brand and last four digits: a phone's select
# shows the start of an option and cuts the rest, so what tells two cards apart comes first.
SHORT_KINDS: dict[str, Any] = {
    Method.BANK_CARD: pgettext_lazy("card kind, short", "Bank card"),
    Method.CREDIT_CARD: pgettext_lazy("card kind, short", "Credit card"),
}


def source_label(card: PaymentMethod | None) -> str:
    """"UnionPay •••• 0127 · Bank card": the brand and last four digits first, unbroken."""
    if card is None:
        return str(METHOD_LABELS[Method.BALANCE])
    kind = SHORT_KINDS.get(card.kind) or METHOD_LABELS.get(card.kind, "")
    return str(card).replace(" ", "\u00a0") + "\u00a0· " + str(kind).replace(" ", "\u00a0")


class MoneyForm(forms.Form):
    """Amount typed in major units (12.34), parsed to minor units without floats.

    ``source`` names where the money comes from (or goes to): ``balance`` or the
    public id of one linked card; ``clean`` turns it into ``method`` and ``card``.
    """

    operation = ""
    amount = forms.CharField(label=_("Amount"), max_length=20, widget=amount_input())
    currency = forms.ChoiceField(label=_("Currency"), choices=CURRENCY_CHOICES)
    idem = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args: Any, user: User, available: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # What the balance can pay, under the amount (Django links it as aria-describedby).
        self.fields["amount"].help_text = available
        self.cards = usable_cards(user, self.operation)
        if "source" in self.fields:
            choices: list[tuple[str, str]] = []
            if Method.BALANCE in OPERATION_METHODS[self.operation]:
                choices.append((Method.BALANCE.value, source_label(None)))
            choices += [(c.public_id, source_label(c)) for c in self.cards]
            self.fields["source"].choices = choices  # type: ignore[attr-defined]

    def card_for(self, source: str) -> PaymentMethod | None:
        return next((c for c in self.cards if c.public_id == source), None)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "amount" in data and "currency" in data:
            try:
                data["amount_minor"] = parse_major(data["amount"], data["currency"])
            except DomainError as exc:
                message = str(exc.message)
                if exc.code == "amount_above_limit":
                    # Say what the limit is, in the chosen currency, not only that there is one.
                    message = _("The most one operation can move is %(limit)s.") % {
                        "limit": format_minor(MAX_AMOUNT_MINOR, data["currency"])}
                self.add_error("amount", message)
        if "source" in self.fields:
            card = self.card_for(data.get("source", ""))
            data["card"] = card
            data["method"] = card.kind if card else Method.BALANCE.value
        else:
            data["card"], data["method"] = None, Method.BALANCE.value
        return data


class TopUpForm(MoneyForm):
    operation = "topup"
    source = forms.ChoiceField(label=_("From"))


class WithdrawForm(MoneyForm):
    operation = "withdrawal"
    source = forms.ChoiceField(label=_("To"))


class TransferForm(MoneyForm):
    operation = "transfer"
    field_order = ["to", "amount", "currency", "note"]
    to = forms.CharField(label=_("Recipient's email or mobile number"), max_length=254,
                         widget=forms.TextInput(attrs={"autocomplete": "off",
                                                       "autocapitalize": "off"}))
    note = forms.CharField(label=_("Note"), max_length=140, required=False)


class PayForm(MoneyForm):
    operation = "payment"
    field_order = ["merchant", "amount", "currency", "source"]
    merchant = forms.ModelChoiceField(label=_("Merchant"), to_field_name="slug",
                                      queryset=Merchant.objects.filter(is_active=True),
                                      empty_label=_("Choose a merchant"))
    source = forms.ChoiceField(label=_("Pay with"))


class CardForm(forms.Form):
    kind = forms.ChoiceField(label=_("Card type"), choices=method_choices("topup"))
    card_number = forms.CharField(label=_("Card number"), max_length=40,
                                  widget=forms.TextInput(attrs={"inputmode": "numeric",
                                                                "autocomplete": "cc-number"}))


class RefundForm(forms.Form):
    amount = forms.CharField(label=_("Refund amount"), max_length=20, widget=amount_input())
    idem = forms.CharField(widget=forms.HiddenInput, max_length=64)
