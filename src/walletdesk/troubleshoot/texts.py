"""Finding codes rendered as sentences in the active language and time zone.

Every code a diagnosis can hold has one entry here; ``tests/test_texts.py``
checks that none is missing. Money parameters are minor units beside
``currency``; time parameters are aware datetimes shown in the reader's zone.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from walletdesk.core import hant
from walletdesk.core.money import format_minor
from walletdesk.core.timewords import datetime_words
from walletdesk.wallet.models import Method, Transaction

from .findings import Diagnosis, Finding

MONEY = {"amount", "fee", "paid", "held", "refunded", "refundable", "discount", "fee_before",
         "fixed", "minimum", "maximum", "asked"}
TIMES = {"until", "since", "deadline", "at", "ends_at", "starts_at", "effective_from",
         "respond_by"}
# Localized twins: the English value is used when the reader reads English.
TWINS = {"name": "name_en", "merchant": "merchant_en", "promotion": "promotion_en"}

MESSAGES: dict[str, Any] = {
    # --- lock
    "lock.not_locked": _("Nothing stops you from signing in or sending money right now."),
    "lock.inactive": _("This account is not active: its sign-up was not finished, or it was "
                       "closed."),
    "lock.tier": _("Sign-in is paused after %(failures)s wrong passwords (step %(tier)s of 3). "
                   "It opens again at %(until)s, in about %(minutes)s min."),
    "lock.security_hold": _("The account has been on a security hold since %(since)s: "
                            "%(limit)s wrong passwords within %(hours)s hours. It stays on hold "
                            "until it is unlocked."),
    "lock.security_hold_travel": _("The account has been on a security hold since %(since)s: "
                                   "a sign-in came from a place too far from the last one to "
                                   "be you. It stays on hold until it is unlocked."),
    "lock.frozen": _("The account was frozen on %(since)s (the “this was not me” link or a "
                     "freeze you asked for): no sign-in and no outgoing money until it is "
                     "unlocked."),
    "lock.risk_hold": _("Our risk rules put the account on hold on %(since)s after unusual "
                        "outgoing payments: no sign-in and no outgoing money until it is "
                        "unlocked."),
    "lock.after_reset": _("The password was reset on %(since)s: for your safety money can leave "
                          "the account again from %(until)s. Signing in and receiving money "
                          "work normally."),
    "lock.needs_second_factor": _("Unlocking also asks for your authenticator code or a "
                                  "recovery code. If you lost both, only an agent can help."),
    "lock.must_change_password": _("After unlocking you will be asked to choose a new "
                                   "password."),
    "lock.code_limit": _("Unlock codes were already sent the most times allowed in an hour; the "
                         "next one can be sent at %(until)s."),
    # --- payment
    "payment.not_sent_yet": _("We are still handing this %(type)s to the bank or card network."),
    "payment.waiting_network_held": _(
        "The network has not answered yet. %(held)s is held from your balance; if the network "
        "does not answer by %(deadline)s, it comes back to your balance automatically."),
    "payment.waiting_network_card": _(
        "The network has not answered yet. If it does not confirm by %(deadline)s, the "
        "%(type)s is dropped and nothing is taken; a charge the network confirms later is sent "
        "back automatically."),
    "payment.network_confirmed": _("The network has confirmed it; your wallet shows it as "
                                   "completed within moments."),
    "payment.network_declined": _("The network declined it (%(reason)s); it shows as failed "
                                  "within moments. Nothing is taken."),
    "payment.past_deadline": _("The time limit passed at %(deadline)s without an answer: the "
                               "held money is being released, within a minute."),
    "payment.completed": _("Completed at %(at)s."),
    "payment.failed": _("Declined at %(at)s (%(reason)s). Nothing was taken and any money held "
                        "for it was released."),
    "payment.expired": _("Not confirmed by %(deadline)s, so it was given up at %(at)s and the "
                         "money held for it was released."),
    "payment.expired_may_confirm_late": _("The network has not closed it yet. If it confirms "
                                          "late, we reverse it automatically and the money goes "
                                          "back."),
    "payment.expired_never_sent": _("It never reached the bank or card network, so nothing was "
                                    "taken from your card."),
    "payment.network_unreachable": _("The bank or card network did not answer our question just "
                                     "now; this is what the wallet itself knows."),
    "payment.reversed": _("The network confirmed it after the time limit (%(deadline)s), so it "
                          "was reversed at %(at)s: the money was sent back to your card."),
    "payment.refunded": _("The merchant has refunded %(refunded)s of it."),
    "payment.inside_wallet": _("This %(type)s moved inside the wallet at once; it never waits "
                               "for a bank or card network."),
    # --- refund
    "refund.refundable": _("%(merchant)s can refund up to %(refundable)s of this payment."),
    "refund.partial": _("%(merchant)s has already refunded %(refunded)s; up to %(refundable)s "
                        "more can be refunded."),
    "refund.full": _("This payment was refunded in full (%(refunded)s)."),
    "refund.partial_explained": _("A merchant may refund part of a payment, once or several "
                                  "times, up to what you paid. Each refund comes straight back "
                                  "to your wallet balance."),
    "refund.fee_not_included": _("A merchant's refund covers the amount, not the wallet fee of "
                                 "%(fee)s; an agent can look at the fee."),
    "refund.p2p": _("This is a transfer to %(recipient)s. Transfers between wallets arrive at "
                    "once and the desk cannot take them back."),
    "refund.received_transfer": _("You received this transfer: only you can send it back, "
                                  "with a new transfer."),
    "refund.pending": _("The payment to %(merchant)s is still pending: see where it stands "
                        "first."),
    "refund.not_completed": _("This payment did not go through (%(status)s), so there is "
                              "nothing to refund."),
    "refund.reversed": _("This payment was reversed: the money has already gone back."),
    "refund.not_a_payment": _("A %(type)s cannot be refunded; only payments to merchants can."),
    "refund.is_refund": _("This is itself a refund: of your payment to %(merchant)s on "
                          "%(at)s."),
    # refund requests (disputes app)
    "refund.request_open": _("You asked %(merchant)s for %(asked)s back; the merchant answers "
                             "by %(respond_by)s."),
    "refund.request_declined": _("%(merchant)s declined your request for %(asked)s back."),
    "refund.request_expired": _("%(merchant)s did not answer your request for %(asked)s back "
                                "in time."),
    "refund.request_escalated": _("Your request for %(asked)s back is with customer support."),
    # --- fee
    "fee.none": _("No fee was charged for this %(type)s."),
    "fee.paid_by_sender": _("You received this transfer; any fee was the sender's. Nothing was "
                            "taken from you."),
    "fee.policy": _("Fee rule v%(version)s for %(operation)s by %(method)s: %(percent)s%% + "
                    "%(fixed)s, at least %(minimum)s."),
    "fee.policy_capped": _("Fee rule v%(version)s for %(operation)s by %(method)s: %(percent)s%% "
                           "+ %(fixed)s, at least %(minimum)s and at most %(maximum)s."),
    "fee.charged": _("On %(amount)s that makes a fee of %(fee)s."),
    "fee.promotion": _("The promotion “%(name)s” waived %(discount)s of that fee: you paid "
                       "%(fee)s."),
    "fee.cheaper_method": _("By %(method)s the same %(operation)s would cost %(fee)s today "
                            "(you paid %(paid)s)."),
    "fee.cheaper_now": _("The same %(method)s payment costs %(fee)s today (you paid %(paid)s)."),
    "fee.already_cheapest": _("%(method)s was already the cheapest way for this."),
    "fee.promotion_now": _("Open now: “%(name)s” for %(operation)s by %(method)s, until "
                           "%(ends_at)s."),
    "fee.promotion_soon": _("Coming: “%(name)s” for %(operation)s by %(method)s, from "
                            "%(starts_at)s to %(ends_at)s."),
    "fee.policy_change": _("Announced: from %(effective_from)s the fee for %(operation)s by "
                           "%(method)s becomes %(percent)s%%."),
    # --- next steps
    "step.none": _("Nothing to do."),
    "step.wait": _("Wait until %(until)s (about %(minutes)s min), then sign in again."),
    "step.unlock_by_code": _("Unlock it yourself now: ask for an unlock code, sent to the email "
                             "or phone on file, and enter it."),
    "step.wait_for_code": _("Wait until %(until)s (about %(minutes)s min), then ask for an "
                            "unlock code."),
    "step.use_sent_code": _("Use the unlock code we last sent to your email or phone: it works "
                            "until %(until)s."),
    "step.wait_outgoing": _("Wait until %(until)s to send money; nothing else is needed."),
    "step.talk_to_person": _("Talk to a person: an agent sees what this troubleshooter found."),
    "step.wait_network": _("Nothing to do but wait, at most until %(deadline)s (about "
                           "%(minutes)s min). The status changes on its own."),
    "step.refresh_soon": _("Nothing to do: the status updates within a minute."),
    "step.try_again": _("Nothing was taken. Try again, with another card if the bank declined "
                        "this one."),
    "step.check_card": _("Look for the returned money on your card statement; if it is not "
                         "there within 5 working days, talk to a person."),
    "step.see_refund": _("See the refund troubleshooter for what is left to refund."),
    "step.see_payment": _("See the payment troubleshooter for where it stands."),
    "step.ask_merchant": _("Ask %(merchant)s for the refund: only the merchant can refund a "
                           "payment. If they do not answer, talk to a person and an agent can "
                           "ask the merchant for you."),
    "step.ask_for_refund": _("Ask %(merchant)s for the refund here: the merchant answers within "
                             "a few business days, and if they decline or do not answer, you can "
                             "pass it to customer support."),
    "step.see_request": _("See your refund request: its answers and deadline are there."),
    "step.escalate_request": _("Pass your refund request to customer support: an agent decides "
                               "with the whole story."),
    "step.ask_recipient": _("Ask %(recipient)s to send the money back. If you think it was "
                            "fraud, talk to a person now."),
    "step.use_cheaper_method": _("Next time use %(method)s: %(fee)s instead of %(paid)s."),
    "step.use_promotion": _("Use “%(name)s” while it is open, until %(ends_at)s."),
    "step.use_promotion_soon": _("Wait for “%(name)s”: it opens at %(starts_at)s."),
}

DECLINES = {
    "do_not_honor": _("the bank refused it"),
    "insufficient_funds_at_issuer": _("not enough money on the card"),
    "card_expired": _("the card has expired"),
}
TITLES = {
    "lock": _("Why is my account locked?"),
    "payment": _("Where is my payment?"),
    "refund": _("Can I get a refund?"),
    "fee": _("Why was I charged a fee?"),
}


def _english() -> bool:
    return (get_language() or "").startswith("en")


def _value(key: str, value: Any, params: dict[str, Any], zone: ZoneInfo | None) -> str:
    if value is None or value == "":
        return "—"
    if key in MONEY:
        return format_minor(int(value), str(params.get("currency", "CNY")))
    if key in TIMES and isinstance(value, datetime):
        return datetime_words(value, zone)  # no ISO date: a narrow line breaks at its hyphen
    if key == "method":
        label = str(Method(value).label) if value in Method.values else gettext("any method")
        return label.lower() if _english() else label
    if key in ("type", "operation"):
        kind = str(Transaction.Type(value).label) if value in Transaction.Type.values \
            else str(value)
        return kind.lower() if _english() else kind
    if key == "status":
        return str(Transaction.Status(value).label) if value in Transaction.Status.values \
            else str(value)
    if key == "reason":
        return str(DECLINES.get(value, value))
    if key in TWINS:
        return hant.for_reader(str(value), str(params.get(TWINS[key]) or ""))
    return str(value)


def text(finding: Finding, zone: ZoneInfo | None = None) -> str:
    template = MESSAGES[finding.code]
    values = {k: _value(k, v, finding.params, zone) for k, v in finding.params.items()}
    line = str(template) % values if values else str(template)
    return line[:1].upper() + line[1:]


def summary(diagnosis: Diagnosis, zone: ZoneInfo | None = None) -> str:
    """One paragraph for the agent: the findings, then the next step."""
    lines = [text(f, zone) for f in diagnosis.findings]
    lines.append(gettext("Next step: %(step)s") % {"step": text(diagnosis.next_step, zone)})
    return "\n".join(lines)
