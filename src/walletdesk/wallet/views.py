"""Customer and merchant pages; each money form goes through the same services
and idempotency keys as the API (a double submit replays, never repeats)."""

from __future__ import annotations

import csv
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from walletdesk.accounts.models import User
from walletdesk.accounts.netutil import client_ip
from walletdesk.core import clock, reads
from walletdesk.core.csvsafe import safe_cell
from walletdesk.core.errors import DomainError
from walletdesk.core.money import CURRENCIES, format_minor, parse_major
from walletdesk.core.timewords import day_clock_words
from walletdesk.core.timezones import zone_name

from . import fees, present, queries, review, services
from .forms import (
    SHORT_KINDS,
    CardForm,
    MoneyForm,
    PayForm,
    RefundForm,
    TopUpForm,
    TransferForm,
    WithdrawForm,
)
from .models import (
    EVENT_REASONS,
    OPERATION_METHODS,
    Merchant,
    Method,
    Operation,
    PaymentRequest,
    Promotion,
    Transaction,
    TransactionEvent,
)
from .serializers import transaction_dict
from .services import cards, idempotency


def customer_required(view: Callable[..., Any]) -> Callable[..., Any]:
    @login_required
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if request.user.role == User.Role.MERCHANT:  # type: ignore[union-attr]
            return redirect("wallet:merchant")
        if request.user.role != User.Role.CUSTOMER:  # type: ignore[union-attr]
            raise Http404
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    return wrapped


# The currency a region's customers live in: the wallet home's main balance (CNY elsewhere).
HOME_CURRENCY = {"CN": "CNY", "HK": "HKD", "US": "USD"}


def main_balance(balances: list[queries.Balance], region: str) -> queries.Balance:
    """The balance the wallet home shows large: the currency of the customer's region, unless
    that one is empty while another holds money; then the first currency (CNY, HKD, USD) that
    does. Amounts of different currencies are never compared (that would need an exchange rate)."""
    home_currency = HOME_CURRENCY.get(region.upper(), "CNY")
    by_currency = {b.currency: b for b in balances}
    home = by_currency.get(home_currency, balances[0])
    if home.balance or home.pending:
        return home
    return next((b for b in balances if b.balance or b.pending), home)


@customer_required
def home(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    # The page's four reads, unrelated to each other, in one statement on PostgreSQL
    # (core.reads); the bell's count came with the session (notify.templatetags.notify).
    recent, requests, balances, holds = reads.run(
        queries.recent_read(user, 8), queries.open_requests_read(user),
        queries.balances_read(user), queries.active_holds_read(user))
    main = main_balance(balances, user.region)
    return render(request, "wallet/home.html", {
        "main": main,
        "others": [b for b in balances if b is not main],
        "recent": [(t, queries.direction_for(t, user)) for t in recent],
        "requests": requests,
        "announcements": fees.upcoming_changes(),
        "holds": holds,
    })


# The forms that spend the balance show what it can pay under the amount.
SHOWS_AVAILABLE = ("transfer", "payment", "withdrawal")

FORMS: dict[str, tuple[type[MoneyForm], Any]] = {
    "topup": (TopUpForm, gettext_lazy("Top up")),
    "transfer": (TransferForm, gettext_lazy("Transfer")),
    "payment": (PayForm, gettext_lazy("Pay a merchant")),
    "withdrawal": (WithdrawForm, gettext_lazy("Withdraw to a bank card")),
}


def _call(user: User, operation: str, data: dict[str, Any]) -> Transaction:
    amount, currency = data["amount_minor"], data["currency"]
    card = data["card"].public_id if data.get("card") else ""
    if operation == "topup":
        return services.top_up(user, amount=amount, currency=currency, method=data["method"],
                               card=card)
    if operation == "transfer":
        return services.transfer(user, to=data["to"], amount=amount, currency=currency,
                                 note=data.get("note", ""))
    if operation == "payment":
        return services.pay(user, merchant=data["merchant"], amount=amount, currency=currency,
                            method=data["method"], card=card)
    return services.withdraw(user, amount=amount, currency=currency, method=data["method"],
                             card=card)


def _fresh_form(form: MoneyForm, user: User, available: str) -> MoneyForm:
    """The same answers with a new idempotency key (after a refusal the old key is spent)."""
    data = form.data.copy()  # type: ignore[attr-defined]
    data["idem"] = uuid.uuid4().hex
    fresh = type(form)(data, user=user, available=available)
    fresh.is_valid()
    return fresh


def _book(request: HttpRequest, user: User, operation: str,
          form: MoneyForm) -> tuple[dict[str, Any] | None, str, str]:
    """Book the reviewed operation once: (the transaction as the API gives it, or None; the
    refusal's message; its code)."""
    data = form.cleaned_data
    digest = idempotency.request_hash("POST", request.path, repr(sorted(
        (k, str(v)) for k, v in data.items() if k != "idem")).encode())
    try:
        status, body = idempotency.execute(
            f"user:{user.pk}", "web-" + data["idem"], digest,
            lambda: (201, transaction_dict(_call(user, operation, data), user)))
    except DomainError as exc:
        return None, str(exc.message), exc.code
    if status == 201:
        return body, "", ""
    return None, body.get("message", ""), body.get("code", "")


# Refusals about one field are shown on that field (red, aria-invalid, described by the
# message); the words stay those of the error, so no more is revealed than before (ADR 0047).
ERROR_FIELDS = {
    "unknown_recipient": "to",
    "too_many_unknown_recipients": "to",
    "transfer_to_self": "to",
    "insufficient_funds": "amount",
}


def _refuse(form: MoneyForm, code: str, message: str) -> None:
    field = ERROR_FIELDS.get(code)
    form.add_error(field if field in form.fields else None, message)


def _available(user: User, currency: str) -> str:
    """"Available ¥4,521.50": the chosen currency's available balance, then any other
    currency that holds money (the currency can be changed on the form)."""
    currency = currency if currency in CURRENCIES else "CNY"
    balances = queries.balances(user)
    shown = [b for b in balances if b.currency == currency] + [
        b for b in balances if b.currency != currency and b.available > 0]
    amounts = " · ".join(format_minor(b.available, b.currency) for b in shown)
    return _("Available %(amount)s") % {"amount": amounts}


@customer_required
def money_form(request: HttpRequest, operation: str) -> HttpResponse:
    """Fill in, review (amount, fee, total, who, which card), then confirm: money moves
    only on confirm, once, under the idempotency key the form was given."""
    form_class, title = FORMS[operation]
    user: User = request.user  # type: ignore[assignment]
    initial = {"idem": uuid.uuid4().hex, "currency": request.GET.get("currency", "CNY"),
               "merchant": request.GET.get("merchant")}
    currency = request.POST.get("currency") or request.GET.get("currency", "CNY")
    available = _available(user, currency) if operation in SHOWS_AVAILABLE else ""
    form = form_class(request.POST or None, initial=initial, user=user, available=available)
    step = (request.POST.get("step") or "review") if request.method == "POST" else ""
    context: dict[str, Any] = {"operation": operation, "title": title, "step_up": False,
                               "needs_card": operation in ("topup", "withdrawal")
                               and not form.cards}
    if step in ("review", "confirm") and form.is_valid():
        try:
            sheet = review.build(user, operation, form)
        except DomainError as exc:
            _refuse(form, exc.code, str(exc.message))
        else:
            if step == "confirm" and request.POST.get("reviewed") == sheet.token:
                booked, error, code = _book(request, user, operation, form)
                if booked:
                    _announce(request, booked["id"], booked["type"], booked["status"])
                    return redirect("wallet:detail", txn_id=booked["id"])
                form = _fresh_form(form, user, available)
                _refuse(form, code, error)
                context["step_up"] = code == "step_up_required"
            else:
                changed = step == "confirm"
                return render(request, "wallet/review.html", {
                    **context, "form": form, "sheet": sheet, "changed": changed})
    return render(request, "wallet/money_form.html", {**context, "form": form})


# --- right after confirming: what happened, in words, and the way back ------------------

BOOKED = "wallet-booked"
Status = Transaction.Status
TITLES: dict[tuple[str, str], Any] = {
    ("transfer", Status.COMPLETED): gettext_lazy("Transfer sent"),
    ("payment", Status.COMPLETED): gettext_lazy("Payment successful"),
    ("topup", Status.COMPLETED): gettext_lazy("Top-up successful"),
    ("withdrawal", Status.COMPLETED): gettext_lazy("Withdrawal complete"),
    ("transfer", Status.PENDING): gettext_lazy("Transfer submitted: not finished yet"),
    ("payment", Status.PENDING): gettext_lazy("Payment submitted: not finished yet"),
    ("topup", Status.PENDING): gettext_lazy("Top-up submitted: not finished yet"),
    ("withdrawal", Status.PENDING): gettext_lazy("Withdrawal submitted: not finished yet"),
}
FAILED_TITLE = gettext_lazy("This did not go through")
AGAIN = {"topup": "wallet:topup", "transfer": "wallet:transfer", "payment": "wallet:pay",
         "withdrawal": "wallet:withdraw"}


def _title(kind: str, status: str) -> str:
    if status in present.FINAL:
        return str(FAILED_TITLE)
    return str(TITLES.get((kind, status), TITLES.get((kind, Status.COMPLETED), "")))


def _announce(request: HttpRequest, txn_id: str, kind: str, status: str) -> None:
    """Leave word for the transaction's page that the customer has just confirmed it (its
    text, in case another page shows it first, says what happened)."""
    messages.success(request, _title(kind, status), extra_tags=f"{BOOKED} {txn_id}")


@dataclass(frozen=True)
class Receipt:
    """What the transaction's page says right after it was confirmed, by how it stands now."""

    state: str  # "done", "pending" or "failed"
    title: str
    text: str
    again: str  # the form to try again from, when it did not go through


def _receipt_text(txn: Transaction) -> str:
    amount = format_minor(txn.amount, txn.currency)
    # Names go in through present.fill: no space between a Chinese name and Chinese words.
    if txn.type == Transaction.Type.TRANSFER:
        return present.fill(_("%(amount)s sent to %(name)s."), amount=amount,
                            name=txn.counterparty)
    if txn.type == Transaction.Type.PAYMENT:
        return present.fill(_("%(amount)s paid to %(merchant)s."), amount=amount,
                            merchant=txn.merchant)
    if txn.type == Transaction.Type.TOPUP:
        return present.fill(_("%(amount)s added to your wallet balance."), amount=amount)
    if txn.type == Transaction.Type.WITHDRAWAL:
        return present.fill(_("%(amount)s sent to %(card)s."), amount=amount,
                            card=txn.payment_method or _("your card"))
    return ""


def _receipt(request: HttpRequest, txn: Transaction) -> tuple[Receipt | None, list[Any]]:
    """The receipt when the customer arrives from confirming this transaction (the money
    form's message), and the page's other messages, shown as usual."""
    mine, found, others = f"{BOOKED} {txn.public_id}", False, []
    for message in messages.get_messages(request):
        if message.extra_tags == mine:
            found = True
        else:
            others.append(message)
    if not found:
        return None, others
    if txn.status == Status.PENDING:
        # The page reloads itself when the network answers: the receipt is there again, then
        # saying how it ended.
        _announce(request, txn.public_id, txn.type, txn.status)
        return Receipt("pending", _title(txn.type, txn.status), "", ""), others
    if txn.status in present.FINAL:
        again = reverse(AGAIN[txn.type]) if txn.type in AGAIN else ""
        if again:
            query = {"currency": txn.currency}
            if txn.merchant_id and txn.merchant:
                query["merchant"] = txn.merchant.slug
            again += "?" + urlencode(query)
        return Receipt("failed", "", "", again), others  # the outcome box says what happened
    return Receipt("done", _title(txn.type, txn.status), _receipt_text(txn), ""), others


def _local_next(request: HttpRequest) -> str:
    """`next` when it stays on this site (never another host, `//host` or a scheme)."""
    target = request.GET.get("next", "")
    ok = url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                         require_https=request.is_secure())
    return target if target and ok else ""


@customer_required
def link_card(request: HttpRequest) -> HttpResponse:
    form = CardForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            card = cards.link_card(request.user, kind=form.cleaned_data["kind"],  # type: ignore[arg-type]
                                   number=form.cleaned_data["card_number"])
        except DomainError as exc:
            form.add_error("card_number", str(exc.message))
        else:
            messages.success(request, _("Card linked: %(card)s") % {"card": card})
            # Back to the form that asked for a card, else stay on Cards to see it listed.
            return redirect(_local_next(request) or "wallet:cards")
    methods = request.user.payment_methods.filter(  # type: ignore[union-attr]
        removed_at__isnull=True).order_by("kind", "-is_default", "-created_at")
    return render(request, "wallet/cards.html", {"form": form, "methods": methods})


def _kind_words(kind: str) -> str:
    """"bank card" in a sentence ("Default bank card is now …"; 默认银行卡已改为 …)."""
    return str(SHORT_KINDS.get(kind, "")).lower()


@customer_required
@require_POST
def card_default(request: HttpRequest, card_id: str) -> HttpResponse:
    try:
        card = cards.make_default(request.user, card_id,  # type: ignore[arg-type]
                                  ip=client_ip(request))
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Default %(kind)s is now %(card)s") % {
            "kind": _kind_words(card.kind), "card": card})
    return redirect("wallet:cards")


@customer_required
def card_remove(request: HttpRequest, card_id: str) -> HttpResponse:
    """Removing a card is a confirm step: this page names the card, the button removes it."""
    if request.method == "POST":
        try:
            removal = cards.remove_card(request.user, card_id,  # type: ignore[arg-type]
                                        ip=client_ip(request))
        except DomainError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("Card removed: %(card)s") % {"card": removal.card})
            if removal.new_default is not None:
                messages.info(request, _("Default %(kind)s is now %(card)s") % {
                    "kind": _kind_words(removal.new_default.kind),
                    "card": removal.new_default})
        return redirect("wallet:cards")
    card = request.user.payment_methods.filter(  # type: ignore[union-attr]
        public_id=card_id, removed_at__isnull=True).first()
    if card is None:
        raise Http404
    successor = (cards.next_default(list(request.user.payment_methods.filter(  # type: ignore[union-attr]
        removed_at__isnull=True)), card) if card.is_default else None)
    return render(request, "wallet/card_remove.html", {"card": card, "successor": successor})


def _history_filter(request: HttpRequest, user: User) -> tuple[queries.HistoryFilter, dict[str, str]]:
    g = request.GET
    raw = {k: g.get(k, "").strip()[:20] for k in ("status", "type", "currency", "since", "until",
                                                  "min", "max")}

    def day(v: str) -> date | None:
        try:
            return date.fromisoformat(v) if v else None
        except ValueError:
            return None

    def minor(v: str) -> int | None:
        try:
            return parse_major(v, raw["currency"] or "CNY") if v else None
        except DomainError:
            return None

    f = queries.HistoryFilter(
        status=raw["status"] if raw["status"] in Transaction.Status.values else "",
        type=raw["type"] if raw["type"] in Transaction.Type.values else "",
        currency=raw["currency"] if raw["currency"] in CURRENCIES else "",
        since=day(raw["since"]), until=day(raw["until"]),
        min_amount=minor(raw["min"]), max_amount=minor(raw["max"]), tz=user.time_zone)
    return f, raw


@customer_required
def history(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    f, raw = _history_filter(request, user)
    rows: Any = (queries.UnfilteredHistory(user) if queries.unfiltered(f)
                 else queries.table_rows(queries.filter_history(queries.transactions_of(user), f)))
    page = Paginator(rows, 25).get_page(request.GET.get("page"))
    query = "&".join(f"{k}={v}" for k, v in raw.items() if v)
    return render(request, "wallet/history.html", {
        "page": page, "rows": [(t, queries.direction_for(t, user)) for t in page],
        "filters": raw, "query": query, "statuses": Transaction.Status.choices,
        "types": Transaction.Type.choices, "currencies": list(CURRENCIES),
    })


class _Echo:
    def write(self, value: str) -> str:
        return value


@customer_required
def history_csv(request: HttpRequest) -> StreamingHttpResponse:
    """The filtered history for a spreadsheet, in the reader's language and time zone: the
    words and reference the pages show, plain amounts (numbers a spreadsheet can add up)."""
    user: User = request.user  # type: ignore[assignment]
    f, _raw = _history_filter(request, user)
    qs = queries.filter_history(queries.transactions_of(user), f)
    writer = csv.writer(_Echo())
    # Everything that depends on the language or zone is settled here: the rows are written
    # after the middleware has returned (and reset the zone).
    lang, zone = get_language(), timezone.get_current_timezone()
    header = [_("Time ({zone})").format(zone=zone_name(str(zone))), _("Reference"), _("Type"), _("Status"),
              _("In or out"), _("Amount"), _("Fee"), _("Currency"), _("Method"), _("Merchant"),
              _("Counterparty"), _("Note")]
    kinds = {k: str(v) for k, v in Transaction.Type.choices}
    statuses = {k: str(v) for k, v in Transaction.Status.choices}
    methods = {k: str(v) for k, v in Method.choices}
    money_in, money_out = _("Money in"), _("Money out")

    def rows() -> Any:
        yield "\ufeff" + writer.writerow(header)
        with translation.override(lang):  # merchants' names in the reader's language
            for t in qs.iterator(chunk_size=500):
                incoming = queries.direction_for(t, user) > 0
                other = t.customer if incoming else t.counterparty
                # Amounts come from our formatter; every text cell may hold what someone typed.
                yield writer.writerow([
                    t.created_at.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S"),
                    t.reference_grouped, kinds.get(t.type, t.type),
                    statuses.get(t.status, t.status), money_in if incoming else money_out,
                    format_minor(t.amount, t.currency, symbol=False),
                    format_minor(t.fee, t.currency, symbol=False), t.currency,
                    methods.get(t.method, t.method),
                    *(safe_cell(v) for v in (
                        str(t.merchant) if t.merchant_id else "",
                        str(other) if t.type == Transaction.Type.TRANSFER and other else "",
                        t.note))])

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="walletdesk-history.csv"'
    return response


def _own_transaction(request: HttpRequest, txn_id: str) -> tuple[User, Transaction]:
    """The signed-in customer's transaction, or 404 (another person's looks like none)."""
    user: User = request.user  # type: ignore[assignment]
    try:
        return user, services.get_transaction_for(user, txn_id)
    except DomainError:
        raise Http404 from None


# --- the status history: one event per line, in words ---------------------------------------

@dataclass(frozen=True)
class HistoryLine:
    at: datetime
    text: str
    link: str = ""  # the page of the transaction the event names (a refund, the original)
    link_text: str = ""


def _event_text(event: TransactionEvent) -> str:
    """What happened, as one event: "Created" is joined to how the transaction stood then,
    a merchant's refund says whether it was in full; never a stored code."""
    if event.reason == "created":
        if event.to_status == Status.COMPLETED:
            return _("Created and completed")
        if event.to_status == Status.PENDING:
            return _("Created, waiting for confirmation")
        return _("Created")
    if event.reason == "refund":
        return (_("Refunded in full by the merchant") if event.to_status == Status.REFUNDED
                else _("Partly refunded by the merchant"))
    if event.reason in EVENT_REASONS:
        return event.reason_label
    return _("Now: %(status)s") % {"status": event.to_label}


def _history(txn: Transaction, events: list[TransactionEvent],
             refunds: list[Transaction]) -> list[HistoryLine]:
    """The detail page's status history. An event's stored detail (a transaction id, a network
    reference, a decline code, an employee) is never shown: a refund it names becomes a link
    to that refund's page, the original a fee refund names a link to the original."""
    children = {r.public_id: r for r in refunds}
    lines = []
    for e in events:
        named = e.detail.split(" ", 1)[0] if e.detail else ""
        link, link_text = "", ""
        if e.reason in ("refund", "fee_refunded") and named in children:
            link, link_text = reverse("wallet:detail", args=[named]), _("View refund")
        elif (e.reason == "fee_refund" and txn.parent_id and txn.parent
              and named == txn.parent.public_id):
            link, link_text = (reverse("wallet:detail", args=[named]),
                               _("View the original transaction"))
        lines.append(HistoryLine(e.at, _event_text(e), link, link_text))
    return lines


@customer_required
def detail(request: HttpRequest, txn_id: str) -> HttpResponse:
    user, txn = _own_transaction(request, txn_id)
    receipt, others = _receipt(request, txn)
    refunds = list(txn.children.order_by("created_at"))
    direction = queries.direction_for(txn, user)
    party = present.party(txn, direction)
    # The avatar: a merchant's or person's initial; a card or no one gets the type's icon.
    initial = party[:1].upper() if txn.merchant_id or txn.counterparty_id else ""
    return render(request, "wallet/detail.html", {
        "t": txn, "direction": direction, "total": present.total(txn, direction),
        "party": party, "initial": initial,
        "when": day_clock_words(txn.created_at),
        "receipt": receipt, "messages": others,
        "history": _history(txn, list(txn.events.all()), refunds), "refunds": refunds,
        "outcome": present.outcome(txn), "fee_charged": present.fee_charged(txn),
        "progress": present.progress(txn),
    })


@customer_required
def detail_status(request: HttpRequest, txn_id: str) -> JsonResponse:
    """A pending transaction's progress, polled by the detail page every few seconds."""
    _, txn = _own_transaction(request, txn_id)
    response = JsonResponse(present.progress(txn))
    response["Cache-Control"] = "no-store"
    return response


@customer_required
def statement(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    today = clock.now().date()
    # The customer's own currency unless another is asked for (an HKD wallet opens on HKD).
    home_currency = HOME_CURRENCY.get(user.region.upper(), "CNY")
    currency = request.GET.get("currency", home_currency)
    currency = currency if currency in CURRENCIES else home_currency
    try:
        year, month = (int(x) for x in request.GET.get("month", "").split("-"))
        date(year, month, 1)
    except ValueError:
        year, month = today.year, today.month
    st = queries.monthly_statement(user, currency, year, month, user.time_zone)
    months = []
    y, m = today.year, today.month
    for _i in range(12):
        months.append(f"{y:04d}-{m:02d}")
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    rows, money_in, money_out = present.statement_rows(st)
    return render(request, "wallet/statement.html", {
        "st": st, "months": months, "rows": rows, "money_in": money_in, "money_out": money_out,
        "currencies": list(CURRENCIES), "month_value": f"{st.year:04d}-{st.month:02d}"})


def fee_page(request: HttpRequest) -> HttpResponse:
    """Fee quote and the fee schedule; open to everyone."""
    operation = request.GET.get("operation", "payment")
    operation = operation if operation in OPERATION_METHODS else "payment"
    currency = request.GET.get("currency", "CNY")
    currency = currency if currency in CURRENCIES else "CNY"
    quotes, error = [], ""
    amount_text = request.GET.get("amount", "100.00")[:20]
    try:
        amount = parse_major(amount_text, currency)
        user_id = request.user.pk if request.user.is_authenticated else None
        quotes = fees.all_quotes(operation, amount, currency, user_id=user_id)
    except DomainError as exc:
        error = str(exc.message)
    now = clock.now()
    policies = [p for p in (fees.policy_at(op, m, currency, now)
                            for op, methods in OPERATION_METHODS.items() for m in methods) if p]
    promos = Promotion.objects.filter(is_active=True, ends_at__gt=now).order_by("starts_at")
    labels = dict(Method.choices)
    quotes_labelled = [(q, labels.get(q.method, q.method)) for q in quotes]
    return render(request, "wallet/fees.html", {
        "operation": operation, "currency": currency, "amount": amount_text,
        "quotes": quotes_labelled,
        "error": error, "operations": [(o, Operation(o).label) for o in OPERATION_METHODS],
        "currencies": list(CURRENCIES), "promotions": promos,
        "policies": policies,
        "announcements": fees.upcoming_changes(now),
    })


@customer_required
def answer_request(request: HttpRequest, request_id: str) -> HttpResponse:
    """A merchant's payment request: the review sheet (fee and total for each way to pay),
    then approve (books only the total that was shown) or decline."""
    user: User = request.user  # type: ignore[assignment]
    req = PaymentRequest.objects.filter(public_id=request_id, customer=user).select_related(
        "merchant").first()
    if req is None:
        raise Http404
    options = review.request_options(user, req)
    chosen, changed = options[0], False
    if request.method == "POST":
        approve = request.POST.get("answer") == "approve"
        picked = next((o for o in options if o.value == request.POST.get("method")), None)
        changed = approve and (picked is None or request.POST.get("reviewed") != picked.token)
        chosen = picked or chosen
        if not changed:
            try:
                req = services.answer_payment_request(user, request_id, approve=approve,
                                                      method=chosen.value)
            except DomainError as exc:
                messages.error(request, str(exc.message))
                return redirect("wallet:home")
            booked = req.transaction if req.transaction_id else None
            if booked is not None:
                _announce(request, booked.public_id, booked.type, booked.status)
                return redirect("wallet:detail", txn_id=booked.public_id)
            messages.info(request, _("Payment request declined."))
            return redirect("wallet:home")
    return render(request, "wallet/request_review.html", {
        "req": req, "options": options, "chosen": chosen, "changed": changed,
        "open": req.status == PaymentRequest.Status.OPEN and req.expires_at > clock.now()})


@login_required
def merchant_home(request: HttpRequest) -> HttpResponse:
    merchant = Merchant.objects.filter(user_id=int(request.user.pk or 0)).first()
    if merchant is None:
        raise Http404
    form = RefundForm(request.POST or None, initial={"idem": uuid.uuid4().hex})
    if request.method == "POST" and form.is_valid():
        payment_id = request.POST.get("payment", "")[:40]
        payment = Transaction.objects.filter(public_id=payment_id, merchant=merchant).first()
        try:
            if payment is None:
                raise DomainError(_("This transaction does not exist."))
            amount = parse_major(form.cleaned_data["amount"], payment.currency)
            digest = idempotency.request_hash("POST", request.path,
                                              f"{payment_id}:{amount}".encode())
            status, body = idempotency.execute(
                f"merchant:{merchant.pk}", "web-" + form.cleaned_data["idem"], digest,
                lambda: (201, transaction_dict(services.refund(
                    merchant, payment_id=payment_id, amount=amount))))
            if status != 201:
                raise DomainError(body.get("message", ""))
            messages.success(request, _("Refund sent."))
            return redirect("wallet:merchant")
        except DomainError as exc:
            messages.error(request, str(exc.message))
    payments = queries.merchant_transactions(merchant).filter(
        type=Transaction.Type.PAYMENT).order_by("-created_at")[:50]
    return render(request, "wallet/merchant.html", {
        "merchant": merchant, "payments": payments, "form": form,
        "balances": queries.merchant_balances(merchant),
    })
