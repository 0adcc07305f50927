"""How the wallet pages put money into words: decline reasons, what a failed
transaction means for the customer and what to do next, the progress of a
pending one, and a monthly statement with one line per transaction."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from walletdesk.core.cjkspace import HAN, space_latin
from walletdesk.core.timewords import clock_words, day_words

from .models import POSTING_KINDS, Method, Transaction
from .queries import Statement

Status = Transaction.Status
Type = Transaction.Type

# What the card network's decline codes mean, in words (the stored code stays stable).
DECLINE_REASONS: dict[str, Any] = {
    "do_not_honor": _("Your bank declined it without giving a reason."),
    "insufficient_funds_at_issuer": _(
        "Your bank said there was not enough money or credit on the card."),
    "card_expired": _("The card has expired."),
}
UNKNOWN_DECLINE = _("The bank or card network declined it.")

# The next step for each decline code.
DECLINE_NEXT: dict[str, Any] = {
    "do_not_honor": _("Call the number on the back of your card to ask why, or try another "
                      "card."),
    "insufficient_funds_at_issuer": _("Add money to the card's bank account, or try another "
                                      "card or a smaller amount."),
    "card_expired": _("Link your new card on the Cards page, then try again."),
}
UNKNOWN_NEXT = _("Try again, or try another card.")

FINAL = {Status.FAILED, Status.EXPIRED, Status.REVERSED}


# --- names inside sentences ----------------------------------------------------------------

# Chinese characters (core.cjkspace.HAN), CJK punctuation and full-width forms: characters
# that take no space between them in Chinese typesetting.
_CJK = re.compile(f"[{HAN}\u3000-\u303f\uff00-\uffef]")
_SLOT = re.compile(r"( ?)%\((\w+)\)s( ?)|%%")


def _cjk(char: str) -> bool:
    return bool(char) and bool(_CJK.match(char))


def fill(sentence: str | Promise, **values: object) -> str:
    """``sentence % values`` where a value may be a name (a person, a merchant, "您的银行卡"):
    the space a translation puts around a slot is kept only when one side of it is Latin
    or a digit, as Chinese typesetting does, so "已向 %(name)s 转账" reads "已向李娜转账" but
    "已向 Alice Chen 转账"; a Latin value that touches Chinese gets its space
    (``core.cjkspace.space_latin``). English has no Chinese, so it is never touched."""

    text = str(sentence)  # a lazy translation is read in the active language here

    def put(m: re.Match[str]) -> str:
        if m.group(0) == "%%":
            return "%"
        value = str(values[m.group(2)])
        before, after = text[m.start() - 1:m.start()], text[m.end():m.end() + 1]
        left = m.group(1) if not (_cjk(before) and _cjk(value[:1])) else ""
        right = m.group(3) if not (_cjk(value[-1:]) and _cjk(after)) else ""
        return left + value + right

    return space_latin(_SLOT.sub(put, text))


def decline_reason(txn: Transaction) -> str:
    """The network's decline code stored on the transaction's last "declined" event."""
    for event in reversed(list(txn.events.all())):
        if event.reason == "network_declined":
            return event.detail
    return ""


def decline_label(code: str) -> str:
    return str(DECLINE_REASONS.get(code, UNKNOWN_DECLINE)) if code else ""


@dataclass
class Outcome:
    """Why a transaction did not go through, what it cost (nothing) and what to do."""

    title: str
    why: str
    money: str
    next_step: str


def outcome(txn: Transaction) -> Outcome | None:
    if txn.status == Status.FAILED:
        code = decline_reason(txn)
        return Outcome(
            title=str(_("This did not go through")),
            why=decline_label(code) or str(UNKNOWN_DECLINE),
            money=str(_("No money moved and no fee was charged. Anything held for it has been "
                        "released.")),
            next_step=str(DECLINE_NEXT.get(code, UNKNOWN_NEXT)))
    if txn.status == Status.EXPIRED:
        return Outcome(
            title=str(_("This did not go through")),
            why=str(_("The bank or card network did not confirm it in time, so the wallet gave "
                      "up on it.")),
            money=str(_("No fee was charged and the money held for it has been released. If "
                        "your card was charged anyway, the charge is sent back automatically.")),
            next_step=str(_("Try again. If your card statement still shows a charge after three "
                            "working days, use \"Where is my payment?\" below or contact us.")))
    if txn.status == Status.REVERSED:
        return Outcome(
            title=str(_("Sent back")),
            why=str(_("The network confirmed it only after the time limit, so the money is "
                      "being returned to where it came from.")),
            money=str(_("No fee was charged.")),
            next_step=str(_("Nothing to do: the money returns to your card within a few working "
                            "days. If you still need to pay, try again.")))
    return None


def fee_charged(txn: Transaction) -> bool:
    return txn.status not in FINAL


# The sum the review sheet called the total, under the same words, for the receipt (only
# when a fee makes it differ from the amount, and only for the one who paid the fee).
TOTAL_LABELS: dict[str, Any] = {
    Type.TOPUP: _("Charged to your card"),
    Type.PAYMENT: _("Total paid"),
    Type.TRANSFER: _("Taken from your balance"),
    Type.WITHDRAWAL: _("Taken from your balance"),
}


@dataclass(frozen=True)
class Total:
    label: str
    amount: int


def total(txn: Transaction, direction: int) -> Total | None:
    label = TOTAL_LABELS.get(txn.type)
    paid_by_them = txn.type == Type.TOPUP or direction <= 0
    if label is None or not txn.fee or not fee_charged(txn) or not paid_by_them:
        return None
    return Total(str(label), int(txn.amount) + int(txn.fee))


# --- who a transaction was with ------------------------------------------------------------

class Named(Protocol):
    """What the rule reads of a transaction (a ``Transaction`` or a table's ``TableRow``)."""

    @property
    def merchant_id(self) -> int | None: ...
    @property
    def counterparty_id(self) -> int | None: ...
    @property
    def customer_id(self) -> int | None: ...
    @property
    def payment_method_id(self) -> int | None: ...


def party_of(txn: Named, direction: int) -> tuple[str, int | None] | None:
    """Who a transaction was with, as (the transaction's attribute that names them, its id):
    the merchant; else the other person, the sender of money received (``customer``) or the
    recipient of money sent (``counterparty``); else the card of a top-up or withdrawal
    (``payment_method``); None when nobody (the type alone names it). The one rule of the
    history's rows (``txn_table``, which reads each name once per table), the receipt and the
    statement."""
    if txn.merchant_id:
        return "merchant", txn.merchant_id
    if txn.counterparty_id:
        return (("customer", txn.customer_id) if direction > 0
                else ("counterparty", txn.counterparty_id))
    if txn.payment_method_id:
        return "payment_method", txn.payment_method_id
    return None


def party(txn: Transaction, direction: int) -> str:
    """Whom the money went to or came from, as the history's row names it (``party_of``);
    "" when nobody."""
    side = party_of(txn, direction)
    return str(getattr(txn, side[0])) if side else ""


# --- a pending transaction's progress ------------------------------------------------------

STEPS = (
    ("created", pgettext_lazy("payment step", "Started")),
    ("sent", pgettext_lazy("payment step", "Sent to the bank or card network")),
    ("answered", pgettext_lazy("payment step", "Bank's answer")),
)


def progress(txn: Transaction) -> dict[str, Any]:
    """The state of a transaction for the detail page's live progress (JSON-ready)."""
    events = list(txn.events.all())
    sent = any(e.reason == "sent_to_network" for e in events)
    done = txn.status != Status.PENDING
    step = 3 if done else (2 if sent else 1)
    if txn.status == Status.PENDING:
        message = (_("Waiting for your bank to answer. You can leave this page: the result "
                     "appears in your history.") if sent else
                   _("Sending it to your bank or card network…"))
    elif txn.status in FINAL:
        message = _("It did not go through. No fee was charged.")
    else:
        message = _("Done.")
    return {
        "id": txn.public_id, "status": txn.status, "status_label": str(txn.get_status_display()),
        "step": step, "steps": [str(label) for _code, label in STEPS], "done": done,
        "message": str(message),
    }


# --- the monthly statement, one line per transaction ---------------------------------------

@dataclass
class StatementRow:
    transaction: Transaction
    at: Any
    net: int  # the change to the wallet's balance
    parts: list[tuple[str, int]] = field(default_factory=list)

    @property
    def day(self) -> str:
        """The heading of the line's day ("12月5日 星期六"), in the reader's zone."""
        return day_words(self.at)

    @property
    def clock(self) -> str:
        """The time of day under that heading ("04:00")."""
        return clock_words(self.at)

    @property
    def who(self) -> str:
        """The other side, as the history names it (``party_of``; money in when the line adds
        to the balance)."""
        return party(self.transaction, 1 if self.net > 0 else -1)

    @property
    def by_card(self) -> bool:
        """A payment made with a card passes through the wallet: it never changes the balance."""
        return (self.transaction.type == Type.PAYMENT
                and self.transaction.method != Method.BALANCE)


def statement_rows(st: Statement) -> tuple[list[StatementRow], int, int]:
    """Group the statement's postings by transaction: (rows, money in, money out)."""
    rows: dict[int, StatementRow] = {}
    for line in st.lines:
        row = rows.get(line.transaction.pk)
        if row is None:
            row = rows[line.transaction.pk] = StatementRow(line.transaction, line.at, 0)
        row.net += line.amount
        row.parts.append((str(POSTING_KINDS.get(line.kind, line.kind)), line.amount))
    ordered = list(rows.values())
    money_in = sum(r.net for r in ordered if r.net > 0)
    money_out = -sum(r.net for r in ordered if r.net < 0)
    return ordered, money_in, money_out
