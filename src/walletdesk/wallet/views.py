"""Customer and merchant pages; each money form goes through the same services
and idempotency keys as the API (a double submit replays, never repeats)."""

from __future__ import annotations

import csv
import uuid
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from walletdesk.accounts.models import User
from walletdesk.core import clock, reads
from walletdesk.core.csvsafe import safe_cell
from walletdesk.core.errors import DomainError
from walletdesk.core.money import CURRENCIES, format_minor, parse_major

from . import fees, present, queries, review, services
from .forms import CardForm, MoneyForm, PayForm, RefundForm, TopUpForm, TransferForm, WithdrawForm
from .models import (
    OPERATION_METHODS,
    Merchant,
    Method,
    Operation,
    PaymentRequest,
    Promotion,
    Transaction,
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
    # The page's four reads, unrelated to each other, in one round trip (core.reads); the
    # bell's count came with the session (notify.templatetags.notify).
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


def _fresh_form(form: MoneyForm, user: User) -> MoneyForm:
    """The same answers with a new idempotency key (after a refusal the old key is spent)."""
    data = form.data.copy()  # type: ignore[attr-defined]
    data["idem"] = uuid.uuid4().hex
    fresh = type(form)(data, user=user)
    fresh.is_valid()
    return fresh


def _book(request: HttpRequest, user: User, operation: str,
          form: MoneyForm) -> tuple[str | None, str, bool]:
    """Book the reviewed operation once: (transaction id, error, step-up needed)."""
    data = form.cleaned_data
    digest = idempotency.request_hash("POST", request.path, repr(sorted(
        (k, str(v)) for k, v in data.items() if k != "idem")).encode())
    try:
        status, body = idempotency.execute(
            f"user:{user.pk}", "web-" + data["idem"], digest,
            lambda: (201, transaction_dict(_call(user, operation, data), user)))
    except DomainError as exc:
        return None, str(exc.message), exc.code == "step_up_required"
    if status == 201:
        return body["id"], "", False
    return None, body.get("message", ""), body.get("code") == "step_up_required"


@customer_required
def money_form(request: HttpRequest, operation: str) -> HttpResponse:
    """Fill in, review (amount, fee, total, who, which card), then confirm: money moves
    only on confirm, once, under the idempotency key the form was given."""
    form_class, title = FORMS[operation]
    user: User = request.user  # type: ignore[assignment]
    initial = {"idem": uuid.uuid4().hex, "currency": request.GET.get("currency", "CNY"),
               "merchant": request.GET.get("merchant")}
    form = form_class(request.POST or None, initial=initial, user=user)
    step = (request.POST.get("step") or "review") if request.method == "POST" else ""
    context: dict[str, Any] = {"operation": operation, "title": title, "step_up": False,
                               "needs_card": operation in ("topup", "withdrawal")
                               and not form.cards}
    if step in ("review", "confirm") and form.is_valid():
        try:
            sheet = review.build(user, operation, form)
        except DomainError as exc:
            form.add_error(None, str(exc.message))
        else:
            if step == "confirm" and request.POST.get("reviewed") == sheet.token:
                txn_id, error, step_up = _book(request, user, operation, form)
                if txn_id:
                    return redirect("wallet:detail", txn_id=txn_id)
                form = _fresh_form(form, user)
                form.add_error(None, error)
                context["step_up"] = step_up
            else:
                changed = step == "confirm"
                return render(request, "wallet/review.html", {
                    **context, "form": form, "sheet": sheet, "changed": changed})
    return render(request, "wallet/money_form.html", {**context, "form": form})


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
            return redirect(_local_next(request) or "wallet:home")
    methods = request.user.payment_methods.filter(removed_at__isnull=True)  # type: ignore[union-attr]
    return render(request, "wallet/cards.html", {"form": form, "methods": methods})


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
    header = [_("Time ({zone})").format(zone=zone), _("Reference"), _("Type"), _("Status"),
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


@customer_required
def detail(request: HttpRequest, txn_id: str) -> HttpResponse:
    user, txn = _own_transaction(request, txn_id)
    return render(request, "wallet/detail.html", {
        "t": txn, "direction": queries.direction_for(txn, user),
        "events": txn.events.all(), "refunds": txn.children.order_by("created_at"),
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
    currency = request.GET.get("currency", "CNY")
    currency = currency if currency in CURRENCIES else "CNY"
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
        "policies": [(p, format((Decimal(p.basis_points) / 100).normalize(), "f") + "%")
                     for p in policies],
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
            if req.transaction_id:
                return redirect("wallet:detail", txn_id=req.transaction.public_id)  # type: ignore[union-attr]
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
