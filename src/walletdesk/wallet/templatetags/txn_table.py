"""``{% txn_table rows %}``: the table of transactions on the wallet home and history pages.

The same markup ``wallet/_table.html`` gave, built in Python: the template engine spent
about a dozen node renders, filter calls and variable look-ups per cell, which made this
table the largest part of a signed-in wallet page's CPU (issue #16). Every value that
comes from a person or the database is escaped; the column labels are translated once
per table; times are shown in the active time zone, as the ``date`` filter does.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.html import conditional_escape as esc
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, gettext_lazy

from walletdesk.core.money import format_minor

register = template.Library()

VOID = ("failed", "expired", "reversed")
LABELS = {"time": gettext_lazy("Time"), "type": gettext_lazy("Type"),
          "details": gettext_lazy("Details"), "status": gettext_lazy("Status"),
          "amount": gettext_lazy("Amount"), "fee": gettext_lazy("Fee"),
          "no_fee": gettext_lazy("No fee charged")}
_SLOT = "TXN-ID-SLOT"


def _row(t: Any, direction: int, url: str, labels: Mapping[str, str]) -> str:
    when = timezone.localtime(t.created_at).strftime("%Y-%m-%d %H:%M") if t.created_at else ""
    if t.merchant_id:
        detail = esc(t.merchant)
    elif t.counterparty_id:
        detail = esc(t.customer if direction > 0 else t.counterparty)
    elif t.payment_method_id:
        detail = esc(t.payment_method)
    else:
        detail = mark_safe("—")
    amount = esc(format_minor(int(t.amount or 0), t.currency))
    if t.status in VOID:
        amount_cell = f'<span class="amount void">{amount}</span>'
        fee_cell = f'<span class="muted" data-testid="no-fee">{labels["no_fee"]}</span>'
    else:
        sign, cls = ("+", "amount in") if direction > 0 else ("−", "amount")
        amount_cell = f'<span class="{cls}">{sign}{amount}</span>'
        if t.fee:
            fee_cell = (f'<span class="t-fee-label">{labels["fee"]} </span>'
                        f'{esc(format_minor(int(t.fee), t.currency))}')
        else:
            fee_cell = '<span class="t-none">—</span>'
    status = esc(t.status)
    return (
        '  <tr data-testid="txn-row">\n'
        f'    <td class="t-time" data-label="{labels["time"]}"><span class="nowrap">{when}</span></td>\n'
        f'    <td class="t-type" data-label="{labels["type"]}"><a class="tap" href="{url}">'
        f'{esc(t.type_label)}</a></td>\n'
        f'    <td class="t-detail" data-label="{labels["details"]}">{detail}</td>\n'
        f'    <td class="t-status" data-label="{labels["status"]}"><span class="badge status-{status}" '
        f'data-testid="status">{esc(t.status_label)}</span></td>\n'
        f'    <td class="num t-amount" data-label="{labels["amount"]}">{amount_cell}</td>\n'
        f'    <td class="num t-fee" data-label="{labels["fee"]}">{fee_cell}</td>\n'
        '  </tr>\n')


@register.simple_tag
def txn_table(rows: Iterable[tuple[Any, int]]) -> SafeString:
    """``rows``: (transaction, direction) pairs, direction +1 for money in, -1 for money out."""
    rows = list(rows or ())
    if not rows:
        return mark_safe(f'<p class="muted">{esc(gettext("No transactions yet."))}</p>')  # noqa: S308 (escaped)
    labels = {key: esc(str(text)) for key, text in LABELS.items()}
    # One reversal per table: the detail URL differs only by the transaction's public id.
    base = reverse("wallet:detail", args=[_SLOT])
    head = "".join(f"<th>{labels[k]}</th>" for k in ("time", "type", "details", "status"))
    out = [
        '<table class="stack txn-table">\n',
        f'  <thead><tr>{head}<th class="num">{labels["amount"]}</th>'
        f'<th class="num">{labels["fee"]}</th></tr></thead>\n',
        '  <tbody>\n',
    ]
    for t, direction in rows:
        out.append(_row(t, direction, esc(base.replace(_SLOT, t.public_id)), labels))
    out.append('  </tbody>\n</table>\n')
    return mark_safe("".join(out))  # noqa: S308 (every value above is escaped)
