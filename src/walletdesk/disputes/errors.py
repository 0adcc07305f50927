"""Typed refusals of refund requests: each has a stable code; nothing changes on any of them."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from walletdesk.core.errors import Conflict, DomainError, NotFound


class RefundRequestNotFound(NotFound):
    code = "refund_request_not_found"
    default_message = _("This refund request does not exist.")


class NoMerchantWebhook(NotFound):
    code = "merchant_webhook_not_set"
    default_message = _("No webhook address is set for refund requests.")


class PaymentNotEligible(DomainError):
    status = 422
    code = "payment_not_refundable"
    default_message = _("A refund can be asked only for a completed payment to a merchant.")


class AmountTooLarge(DomainError):
    status = 422
    code = "refund_request_too_large"
    default_message = _("The amount is more than what is left of the payment to refund.")


class AcceptTooLarge(DomainError):
    status = 422
    code = "refund_accept_too_large"
    default_message = _("The refund is more than the customer asked for.")


class UnknownReason(DomainError):
    status = 422
    code = "unknown_refund_reason"
    default_message = _("Choose a reason from the list.")


class TextTooLong(DomainError):
    status = 422
    code = "refund_text_too_long"
    default_message = _("The description is too long.")


class TooManyImages(DomainError):
    status = 422
    code = "too_many_images"
    default_message = _("Attach at most three photos.")


class DeclineReasonRequired(DomainError):
    status = 422
    code = "decline_reason_required"
    default_message = _("Say why the refund is declined (5 to 500 characters).")


class AlreadyRequested(Conflict):
    code = "refund_request_exists"
    default_message = _("A refund request for this payment is already open.")


class AlreadyAnswered(Conflict):
    code = "refund_request_answered"
    default_message = _("This refund request has already been answered or closed.")


class AnswerTooLate(Conflict):
    code = "refund_request_deadline_passed"
    default_message = _("The time to answer this refund request has passed.")


class NotEscalatable(Conflict):
    code = "refund_request_not_escalatable"
    default_message = _("You can pass a request to customer support after the merchant "
                        "declines it or does not answer in time.")


class NotWithdrawable(Conflict):
    code = "refund_request_not_withdrawable"
    default_message = _("This refund request can no longer be withdrawn.")


class NotWithSupport(Conflict):
    code = "refund_request_not_escalated"
    default_message = _("This refund request is not with customer support.")
