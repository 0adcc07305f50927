"""The review sheet shown before money moves: amount, fee, total, who receives it
and which card pays, quoted by ``fees.quote`` exactly as the booking will be.

Nothing here writes. The sheet carries a token (a digest of what was shown);
the page books only when the confirmed form still has that token, so a total
the customer has not seen is never booked.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from walletdesk.accounts.models import User
from walletdesk.accounts.services import find_user_by_login

from . import fees
from .errors import TransferToSelf, UnknownRecipient
from .forms import METHOD_LABELS, MoneyForm, source_label
from .models import LedgerAccount, Method, PaymentRequest


@dataclass
class Option:
    """One way to pay (the balance or a linked card), with its own fee and total."""

    value: str
    label: str
    fee: int
    total: int
    token: str
    promotion: Any = None
    fee_before_promotion: int = 0


@dataclass
class Sheet:
    operation: str
    amount: int
    currency: str
    chosen: Option
    options: list[Option] = field(default_factory=list)
    recipient: User | None = None
    recipient_login: str = ""
    merchant: Any = None
    available: int | None = None

    @property
    def fee(self) -> int:
        return self.chosen.fee

    @property
    def total(self) -> int:
        return self.chosen.total

    @property
    def token(self) -> str:
        return self.chosen.token

    @property
    def short_of_money(self) -> bool:
        """The balance pays and does not cover the total."""
        return self.available is not None and self.available < self.wallet_pays

    @property
    def covered_values(self) -> set[str]:
        """The options the customer may confirm: those the balance covers, or that it does not
        pay (a card payment), so that choosing a card on the sheet can lift a shortfall."""
        return {o.value for o in self.options
                if self.available is None or self.available >= self._wallet_pays(o)}

    def _wallet_pays(self, option: Option) -> int:
        if self.operation == "topup" or (self.operation == "payment"
                                         and option.value != Method.BALANCE):
            return 0
        return option.total

    @property
    def wallet_pays(self) -> int:
        return self._wallet_pays(self.chosen)


def _token(operation: str, form: MoneyForm, source: str, fee: int) -> str:
    data = form.cleaned_data
    parts = [operation, str(data["amount_minor"]), data["currency"], source,
             str(data.get("to", "")).strip().lower(), str(getattr(data.get("merchant"), "slug", "")),
             str(data.get("note", "")), str(fee)]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


def _option(operation: str, form: MoneyForm, user: User, source: str) -> Option:
    card = form.card_for(source)
    method = card.kind if card else Method.BALANCE.value
    data = form.cleaned_data
    q = fees.quote(operation, method, data["amount_minor"], data["currency"], user_id=user.pk)
    return Option(value=source, label=source_label(card), fee=q.fee, total=q.amount + q.fee,
                  token=_token(operation, form, source, q.fee), promotion=q.promotion,
                  fee_before_promotion=q.fee_before_promotion)


def build(user: User, operation: str, form: MoneyForm) -> Sheet:
    """The sheet for a valid form; refuses an unknown recipient or oneself before review."""
    data = form.cleaned_data
    recipient = None
    if operation == "transfer":
        recipient = find_user_by_login(data["to"])
        if recipient is None or not recipient.is_active or recipient.role != User.Role.CUSTOMER:
            raise UnknownRecipient()
        if recipient.pk == user.pk:
            raise TransferToSelf()
    sources = ([value for value, _label in form.fields["source"].choices]  # type: ignore[attr-defined]
               if "source" in form.fields else [Method.BALANCE.value])
    options = [_option(operation, form, user, s) for s in sources]
    chosen_value = data.get("source") or Method.BALANCE.value
    chosen = next(o for o in options if o.value == chosen_value)
    account = LedgerAccount.objects.filter(kind=LedgerAccount.Kind.CUSTOMER, owner=user,
                                           currency=data["currency"]).first()
    return Sheet(operation=operation, amount=data["amount_minor"], currency=data["currency"],
                 chosen=chosen, options=options, recipient=recipient,
                 recipient_login=str(data.get("to", "")).strip(), merchant=data.get("merchant"),
                 available=account.available if account else 0)



def request_options(user: User, req: PaymentRequest) -> list[Option]:
    """Every way to pay a merchant's payment request (the balance, each kind of linked card),
    each with its fee, total and token; the first is the cheapest."""
    linked = user.payment_methods.filter(removed_at__isnull=True).values_list("kind", flat=True)
    kinds = [Method.BALANCE.value, *sorted(set(linked))]
    options = []
    for method in kinds:
        q = fees.quote("payment", method, req.amount, req.currency, user_id=user.pk)
        digest = "\x1f".join([req.public_id, method, str(req.amount), req.currency, str(q.fee)])
        options.append(Option(value=method, label=str(METHOD_LABELS[method]), fee=q.fee,
                              total=q.amount + q.fee, promotion=q.promotion,
                              fee_before_promotion=q.fee_before_promotion,
                              token=hashlib.sha256(digest.encode()).hexdigest()[:32]))
    return sorted(options, key=lambda o: (o.fee, o.value != Method.BALANCE))
