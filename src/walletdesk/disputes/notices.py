"""Each step of a refund request told to both sides, in each one's language and time zone.

The customer hears by email/SMS (the notify app's sealed after-commit delivery, with their
anti-phishing phrase) and in the in-app notification centre (kind "refund", Web Push for
those who opted in). The merchant's user, when the merchant has one, hears the same way;
merchants integrated by API also get the signed webhook (``services._webhook``). Amounts
are formatted money, times local with their offset; never minor units or codes.
"""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from walletdesk.core.money import format_minor
from walletdesk.core.services import jobs
from walletdesk.notify import inbox
from walletdesk.notify import services as notify
from walletdesk.notify.localtime import format_local
from walletdesk.notify.models import Kind

from .models import RefundRequest

# kind → (subject, body); body values: merchant, amount, asked, payment, when, reason, reference
TEXTS: dict[str, tuple[Any, Any]] = {
    "asked": (_("Your refund request was sent"),
              _("We sent your request for %(asked)s back from %(merchant)s (payment %(payment)s). "
                "The merchant answers by %(when)s.")),
    "granted": (_("The merchant refunded your payment"),
                _("%(merchant)s refunded %(amount)s of payment %(payment)s to your wallet.")),
    "partially_granted": (_("The merchant refunded part of your payment"),
                          _("%(merchant)s refunded %(amount)s of the %(asked)s you asked for "
                            "(payment %(payment)s). If you disagree, contact customer support.")),
    "declined": (_("The merchant declined your refund request"),
                 _("%(merchant)s declined your request for %(asked)s back (payment %(payment)s): "
                   "%(reason)s. You can pass it to customer support from the request's page.")),
    "expired": (_("The merchant did not answer your refund request"),
                _("%(merchant)s did not answer your request for %(asked)s back (payment "
                  "%(payment)s) in time. You can pass it to customer support from the "
                  "request's page.")),
    "escalated": (_("Customer support has your refund request"),
                  _("Your request for %(asked)s back from %(merchant)s is with customer "
                    "support, conversation %(reference)s.")),
    "support_refunded": (_("Customer support refunded your payment"),
                         _("Customer support refunded %(amount)s of payment %(payment)s to your "
                           "wallet, from %(merchant)s's balance (conversation %(reference)s).")),
    "support_closed": (_("Customer support closed your refund request"),
                       _("Customer support closed your request for %(asked)s back from "
                         "%(merchant)s: %(reason)s (conversation %(reference)s).")),
    # to the merchant
    "new_request": (_("A customer asks for a refund"),
                    _("A customer asks for %(asked)s back of payment %(payment)s: %(reason)s. "
                      "Answer by %(when)s.")),
    "merchant_escalated": (_("A refund request went to customer support"),
                           _("The customer passed the request for %(asked)s back of payment "
                             "%(payment)s to customer support.")),
    "merchant_support_refunded": (_("Customer support refunded a payment from your balance"),
                                  _("Customer support refunded %(amount)s of payment %(payment)s "
                                    "from your balance: %(reason)s")),
    "merchant_support_closed": (_("Customer support closed a refund request"),
                                _("Customer support closed the request for %(asked)s back of "
                                  "payment %(payment)s without a refund: %(reason)s")),
    "withdrawn": (_("A refund request was withdrawn"),
                  _("The customer withdrew the request for %(asked)s back of payment "
                    "%(payment)s.")),
}


def _values(req: RefundRequest, user: Any, extra: dict[str, Any]) -> dict[str, str]:
    merchant = req.merchant
    name = merchant.name_en if (user.language == "en" and merchant.name_en) else merchant.name
    values = {"merchant": name, "asked": format_minor(req.amount, req.currency),
              "amount": format_minor(extra.get("amount") or req.granted_amount or req.amount,
                                     req.currency),
              "payment": req.payment.public_id,
              "when": format_local(req.respond_by, user.time_zone),
              "reason": str(extra.get("reason") or ""),
              "reference": req.conversation.reference if req.conversation_id and req.conversation
              else ""}
    return values


def tell(user: Any, kind: str, req: RefundRequest, *, link: str = "", **extra: Any) -> None:
    """One notice to ``user`` (customer or the merchant's user), in their language."""
    if user is None or not getattr(user, "pk", None):
        return
    subject, body = TEXTS[kind]
    values = _values(req, user, extra)
    with translation.override(user.language or "zh-hans"):
        text = str(body) % values
        title = str(subject)
        head = render_to_string("notify/messages/_phrase.txt", {
            "phrase": mark_safe(user.anti_phishing_phrase or "")}).strip()  # noqa: S308
    for address in notify.addresses_of(user):
        channel = notify.channel_of(address)
        full = f"{head}\n\n{text}\n" if channel == "email" else f"{head} {text}"
        msg = notify.Rendered(f"refund_{kind}", channel, address, title, full, user.pk)
        jobs.enqueue("notify.deliver", sealed=notify.seal(msg))
    inbox.add(user, Kind.REFUND, title, text, link=link,
              source=f"refund_request:{req.public_id}:{kind}")


def tell_customer(req: RefundRequest, kind: str, **extra: Any) -> None:
    tell(req.customer, kind, req, link=reverse("disputes:detail", args=[req.public_id]), **extra)


def tell_merchant(req: RefundRequest, kind: str, **extra: Any) -> None:
    user = req.merchant.user
    if user is not None:
        tell(user, kind, req, link=reverse("disputes:merchant"), **extra)
