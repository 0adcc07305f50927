"""Pages: the customer asks from a payment's page and follows the request's timeline; the
merchant lists its requests with their deadlines and answers them. Thin: every change goes
through ``services``; refusals show their translated message, never a code."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from walletdesk.accounts.models import User
from walletdesk.core.errors import DomainError
from walletdesk.core.money import parse_major
from walletdesk.wallet.models import Merchant, Transaction
from walletdesk.wallet.views import customer_required

from . import queries, services
from .models import Reason, RefundRequest, RefundRequestImage

MAX_UPLOAD = 5 * 1024 * 1024


def _amount(text: str, currency: str) -> int | None:
    text = (text or "").strip()
    return parse_major(text, currency) if text else None


@customer_required
def my_requests(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    return render(request, "disputes/list.html", {"requests": queries.of_customer(user)[:100]})


@customer_required
def ask(request: HttpRequest, txn_id: str) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    payment = Transaction.objects.filter(public_id=txn_id[:40], customer=user).select_related(
        "merchant").first()
    if payment is None:
        raise Http404
    error, error_field = "", ""
    if request.method == "POST":
        files = request.FILES.getlist("images")
        try:
            pictures = [f.read(MAX_UPLOAD + 1) for f in files if f.size]
            req = services.ask(user, payment.public_id,
                               amount=_amount(request.POST.get("amount", ""), payment.currency),
                               reason=request.POST.get("reason", ""),
                               text=request.POST.get("text", ""), images=pictures)
            messages.success(request, services_sent_message())
            return redirect("disputes:detail", req.public_id)
        except DomainError as exc:
            error, error_field = str(exc.message), ASK_ERROR_FIELDS.get(exc.code, "")
    return render(request, "disputes/ask.html", {
        "t": payment, "reasons": Reason.choices, "error": error, "error_field": error_field,
        "form": request.POST, "existing": queries.open_for_payment(payment.pk)},
        status=422 if error else 200)


# The form field a refusal is about: its message shows under that field. Any other refusal
# (the payment cannot be refunded, a request is already open) shows above the form.
ASK_ERROR_FIELDS = {"refund_request_too_large": "amount", "invalid_amount": "amount",
                    "unknown_refund_reason": "reason", "refund_text_too_long": "text",
                    "too_many_images": "images", "invalid_attachment": "images"}


def services_sent_message() -> str:
    from django.utils.translation import gettext

    return gettext("Your refund request was sent to the merchant.")


@customer_required
def detail(request: HttpRequest, request_id: str) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    try:
        req = services.own_request(user, request_id[:40])
    except DomainError:
        raise Http404 from None
    return render(request, "disputes/detail.html", _detail_context(req))


def _detail_context(req: RefundRequest) -> dict[str, Any]:
    return {"r": req, "events": req.events.all(), "images": req.images.only("pk"),
            "can_escalate": req.status in (RefundRequest.Status.DECLINED,
                                           RefundRequest.Status.EXPIRED),
            "can_withdraw": req.status in (RefundRequest.Status.OPEN,
                                           RefundRequest.Status.DECLINED,
                                           RefundRequest.Status.EXPIRED)}


@require_POST
@customer_required
def escalate(request: HttpRequest, request_id: str) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    try:
        req = services.escalate(user, request_id[:40], request.POST.get("message", "")[:2000])
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("disputes:detail", request_id[:40])
    return redirect("support:chat", req.conversation_id)


@require_POST
@customer_required
def withdraw(request: HttpRequest, request_id: str) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    try:
        services.withdraw(user, request_id[:40])
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect("disputes:detail", request_id[:40])


def _merchant_of(request: HttpRequest) -> Merchant:
    merchant = Merchant.objects.filter(user_id=int(request.user.pk or 0), is_active=True).first()
    if merchant is None:
        raise Http404
    return merchant


# A new signing secret waits in the (server-side) session for the one page view that shows it.
SESSION_SECRET = "disputes_webhook_secret"


@login_required
def merchant_page(request: HttpRequest) -> HttpResponse:
    merchant = _merchant_of(request)
    rows = list(queries.of_merchant(merchant)[:100])
    terms = services.terms_of(merchant)
    shown = request.session.pop(SESSION_SECRET, None)
    webhook = terms.webhook if terms is not None else None
    response = render(request, "disputes/merchant.html", {
        "merchant": merchant, "open": [r for r in rows if r.status == RefundRequest.Status.OPEN],
        "others": [r for r in rows if r.status != RefundRequest.Status.OPEN],
        "terms": terms, "webhook": webhook,
        "secret": shown if isinstance(shown, str) and webhook is not None else ""})
    response["Cache-Control"] = "no-store"  # it may carry the secret, shown this once
    return response


@require_POST
@login_required
def merchant_webhook(request: HttpRequest) -> HttpResponse:
    """Save, test, renew the secret of or remove the merchant's refund-request webhook."""
    merchant = _merchant_of(request)
    user: User = request.user  # type: ignore[assignment]
    action = request.POST.get("action", "")
    try:
        if action == "save":
            _endpoint, secret = services.set_merchant_webhook(
                merchant, request.POST.get("url", "").strip(), user)
            if secret:
                request.session[SESSION_SECRET] = secret
            messages.success(request, gettext("Saved."))
        elif action == "rotate":
            request.session[SESSION_SECRET] = services.rotate_merchant_webhook_secret(merchant, user)
            messages.success(request, gettext("A new signing secret is in use from now on."))
        elif action == "test":
            event_id = services.send_merchant_webhook_test(merchant, user)
            messages.success(request, gettext("Test event %(id)s is on its way.") % {"id": event_id})
        elif action == "remove":
            services.remove_merchant_webhook(merchant, user)
            messages.success(request, gettext("Refund requests are no longer sent to your system."))
        else:
            raise Http404
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect(reverse("disputes:merchant") + "#webhook")


@require_POST
@login_required
def merchant_answer(request: HttpRequest, request_id: str) -> HttpResponse:
    merchant = _merchant_of(request)
    try:
        req = services.merchant_request(merchant, request_id[:40])
        if request.POST.get("answer") == "accept":
            services.accept(merchant, req.public_id,
                            _amount(request.POST.get("amount", ""), req.currency))
            messages.success(request, _text("accepted"))
        else:
            services.decline(merchant, req.public_id, request.POST.get("reason", ""))
            messages.success(request, _text("declined"))
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect("disputes:merchant")


def _text(which: str) -> str:
    return gettext("Refund sent.") if which == "accepted" else gettext("Refund request declined.")


@login_required
def photo(request: HttpRequest, image_id: int) -> HttpResponse:
    """A request's photo, for its customer, its merchant's user and staff only."""
    img = RefundRequestImage.objects.select_related("request__merchant").filter(
        pk=image_id).first()
    user = request.user
    if img is None:
        raise Http404
    allowed = (img.request.customer_id == user.pk or img.request.merchant.user_id == user.pk
               or getattr(user, "role", "") in ("agent", "senior_agent", "supervisor", "admin"))
    if not allowed:
        raise Http404
    response = HttpResponse(bytes(img.data), content_type=img.content_type)
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = "inline"
    return response
