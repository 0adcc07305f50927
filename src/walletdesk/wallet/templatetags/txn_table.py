"""``{% txn_table rows %}``: the table of transactions on the wallet home and history pages.

The same markup ``wallet/_table.html`` gave, built in Python: the template engine spent
about a dozen node renders, filter calls and variable look-ups per cell, which made this
table the largest part of a signed-in wallet page's CPU (issue #16). Every value that
comes from a person or the database is escaped; the column labels, month names and day
words are translated once per table; times are shown in the active time zone.

A desktop reads it as columns. A phone (``wallet.css``) draws each transaction as one
tappable row of two lines, as a bill list does: who (or the type when nobody) and the
amount; then the type, the short time and, only when it is not completed, the status, with
the fee under the amount. The row's one link is its title, stretched over the whole row; its
accessible name says the whole row.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta, tzinfo
from typing import Any

from django import template
from django.core.signals import setting_changed
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.html import conditional_escape as esc
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext, gettext_lazy, pgettext_lazy

from walletdesk.core import clock
from walletdesk.core.money import format_minor
from walletdesk.wallet.present import party_of

register = template.Library()

VOID = ("failed", "expired", "reversed")
LABELS = {"time": gettext_lazy("Time"), "type": gettext_lazy("Type"),
          "details": gettext_lazy("Details"), "status": gettext_lazy("Status"),
          "amount": gettext_lazy("Amount"), "fee": gettext_lazy("Fee"),
          "no_fee": gettext_lazy("No fee charged"),
          # The fee cell of a transaction that did not go through: short, so that a phone's
          # second line ("Top-up · Yesterday 23:58 · Failed") keeps it beside the status.
          "no_fee_cell": pgettext_lazy("fee of a transaction that did not go through", "No fee")}
MONTHS = (pgettext_lazy("short month", "Jan"), pgettext_lazy("short month", "Feb"),
          pgettext_lazy("short month", "Mar"), pgettext_lazy("short month", "Apr"),
          pgettext_lazy("short month", "May"), pgettext_lazy("short month", "Jun"),
          pgettext_lazy("short month", "Jul"), pgettext_lazy("short month", "Aug"),
          pgettext_lazy("short month", "Sep"), pgettext_lazy("short month", "Oct"),
          pgettext_lazy("short month", "Nov"), pgettext_lazy("short month", "Dec"))
_SLOT = "TXN-ID-SLOT"
# For values known to be plain text (formatted amounts, URLs): what ``escape`` does to a str
# (the same five characters), without its checks for lazy and already-safe values.
_escape = html.escape


def _text(value: Any) -> str:
    """``escape(value)`` as a plain ``str``: the words kept for a table's rows go into every
    row's f-string, where a ``SafeString`` costs a call to its ``__str__`` each time."""
    return "".join((esc(value),))


class _Texts:
    """The table's fixed words in one language, escaped: column labels, the head row, the
    short-time patterns and month names. Built once per process and language (they depend on
    nothing else), so a table no longer resolves a dozen lazy texts on every render."""

    def __init__(self) -> None:
        self.labels = {key: _text(str(text)) for key, text in LABELS.items()}
        labels = self.labels
        cells = "".join(f"<th>{labels[k]}</th>" for k in ("time", "type", "details", "status"))
        self.head = (f'  <thead><tr>{cells}<th class="num">{labels["amount"]}</th>'
                     f'<th class="num">{labels["fee"]}</th></tr></thead>\n')
        self.today = _text(gettext("Today {time}"))
        self.yesterday = _text(gettext("Yesterday {time}"))
        self.this_year = _text(gettext("{month} {day} {time}"))
        self.other_year = _text(gettext("{month} {day}, {year} {time}"))
        self.months = tuple(_text(str(m)) for m in MONTHS)
        self.empty = _text(gettext("No transactions yet."))


_TEXTS: dict[str, _Texts] = {}
# The detail page's URL with a slot for the id, by script prefix and URL configuration: one
# reversal per process instead of one per table (about 20 µs of CPU each).
_DETAIL_URLS: dict[tuple[str, Any], str] = {}


def _clear(**kwargs: Any) -> None:
    _TEXTS.clear()
    _DETAIL_URLS.clear()


setting_changed.connect(_clear, weak=False, dispatch_uid="walletdesk.txn_table.texts")


def _detail_url() -> str:
    key = (get_script_prefix(), get_urlconf())
    found = _DETAIL_URLS.get(key)
    if found is None:
        found = _DETAIL_URLS[key] = reverse("wallet:detail", args=[_SLOT])
    return found


def _texts() -> _Texts:
    lang = get_language() or ""
    found = _TEXTS.get(lang)
    if found is None:
        found = _TEXTS[lang] = _Texts()
    return found


class _When:
    """Short times in the active zone and language: "Today 21:56", "Yesterday 08:05",
    "Dec 1 21:56" this year, "Dec 1, 2025 21:56" before. Built once per table: each day's
    pattern is filled in once (rows often share a day)."""

    def __init__(self, texts: _Texts, tz: tzinfo) -> None:
        today = clock.now().astimezone(tz).date()
        self.year = today.year
        self.days: dict[date, str] = {today: texts.today,
                                      today - timedelta(days=1): texts.yesterday}
        self.this_year = texts.this_year
        self.other_year = texts.other_year
        self.months = texts.months

    def __call__(self, local: datetime) -> str:
        """``local``: a moment already in the active zone."""
        day = local.date()
        pattern = self.days.get(day)
        if pattern is None:
            month = self.months[day.month - 1]
            pattern = self.days[day] = (self.this_year if day.year == self.year else self.other_year
                                        ).format(month=month, day=day.day, year=day.year, time="{time}")
        return pattern.format(time=f"{local.hour:02d}:{local.minute:02d}")


class _Words:
    """What rows of one table share, escaped once per table: the translated type and status
    labels (lazy texts, each resolved once instead of on every row) and the names shown as a
    row's title (a merchant's name depends on the language; one counterparty often fills
    many rows)."""

    def __init__(self) -> None:
        self.kinds: dict[str, str] = {}
        self.statuses: dict[str, tuple[str, str]] = {}
        self.names: dict[tuple[str, Any], str] = {}

    def kind(self, t: Any) -> str:
        found = self.kinds.get(t.type)
        if found is None:
            found = self.kinds[t.type] = _text(str(t.type_label))
        return found

    def status(self, t: Any) -> tuple[str, str]:
        """(the status code as a class name, its label), both escaped."""
        found = self.statuses.get(t.status)
        if found is None:
            found = self.statuses[t.status] = (_text(t.status), _text(str(t.status_label)))
        return found

    def name(self, t: Any, side: tuple[str, Any]) -> str:
        """The name ``present.party_of`` chose (``t.<attribute>``, the object with that id) as
        text, escaped; a card's last four digits stay with their dots when a narrow row wraps
        it. Each object is read only the first time."""
        found = self.names.get(side)
        if found is None:
            found = _text(str(getattr(t, side[0])))
            if side[0] == "payment_method":
                found = found.replace(" •••• ", " ••••&nbsp;")
            self.names[side] = found
        return found


def _row(t: Any, direction: int, url: str, labels: Mapping[str, str], when: _When,
         words: _Words, tz: tzinfo) -> str:
    short = when(t.created_at.astimezone(tz)) if t.created_at else ""
    kind = words.kind(t)
    side = party_of(t, direction)
    title = words.name(t, side) if side is not None else ""
    amount = _escape(format_minor(int(t.amount or 0), t.currency))
    if t.status in VOID:
        amount_cell = f'<span class="amount void">{amount}</span>'
        fee_cell = f'<span class="muted" data-testid="no-fee">{labels["no_fee_cell"]}</span>'
        said_amount = f"{amount}, {labels['no_fee']}"
    else:
        sign, cls = ("+", "amount in") if direction > 0 else ("−", "amount")
        amount_cell = f'<span class="{cls}">{sign}{amount}</span>'
        said_amount = f"{sign}{amount}"
        if t.fee:
            fee = _escape(format_minor(int(t.fee), t.currency))
            fee_cell = f'<span class="t-fee-label">{labels["fee"]} </span>{fee}'
            said_amount += f", {labels['fee']} {fee}"
        else:
            fee_cell = '<span class="t-none">—</span>'
    status, status_label = words.status(t)
    done = t.status == "completed"
    # The link's name: the title first (what a person sees and may say), then the rest.
    said = f"{title}, {kind}, {said_amount}" if title else f"{kind}, {said_amount}"
    if not done:
        said += f", {status_label}"
    if short:
        said += f", {short}"
    return (
        f'  <tr data-testid="txn-row" class="{"txn-done" if done else "txn-open"}'
        f'{"" if title else " txn-untitled"}">\n'
        f'    <td class="t-time" data-label="{labels["time"]}"><span class="nowrap">{short}</span></td>\n'
        f'    <td class="t-type" data-label="{labels["type"]}">{kind}</td>\n'
        f'    <td class="t-detail" data-label="{labels["details"]}"><a class="row-link" href="{url}" '
        f'aria-label="{said}">{title or kind}</a></td>\n'
        f'    <td class="t-status" data-label="{labels["status"]}"><span class="badge status-{status}" '
        f'data-testid="status">{status_label}</span></td>\n'
        f'    <td class="num t-amount" data-label="{labels["amount"]}">{amount_cell}</td>\n'
        f'    <td class="num t-fee" data-label="{labels["fee"]}">{fee_cell}</td>\n'
        '  </tr>\n')


@register.simple_tag
def txn_table(rows: Iterable[tuple[Any, int]]) -> SafeString:
    """``rows``: (transaction, direction) pairs, direction +1 for money in, -1 for money out."""
    rows = list(rows or ())
    texts = _texts()
    if not rows:
        return mark_safe(f'<p class="muted">{texts.empty}</p>')  # noqa: S308 (escaped)
    labels = texts.labels
    tz = timezone.get_current_timezone()
    when = _When(texts, tz)
    words = _Words()
    # The detail URL differs only by the transaction's public id.
    base = _detail_url()
    out = ['<table class="stack txn-table">\n', texts.head, '  <tbody>\n']
    for t, direction in rows:
        out.append(_row(t, direction, _escape(base.replace(_SLOT, t.public_id)), labels, when,
                        words, tz))
    out.append('  </tbody>\n</table>\n')
    return mark_safe("".join(out))  # noqa: S308 (every value above is escaped)
