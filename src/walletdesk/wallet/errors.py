from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from walletdesk.core.errors import Conflict, DomainError, NotFound, PermissionDenied

if TYPE_CHECKING:
    from walletdesk.accounts.models import User


class InsufficientFunds(DomainError):
    status = 422
    code = "insufficient_funds"
    default_message = _("The available balance is not enough for this amount and its fee.")


class UnknownMethod(DomainError):
    status = 422
    code = "unknown_method"
    default_message = _("This payment method cannot be used for this operation.")


class MethodNotLinked(DomainError):
    status = 422
    code = "method_not_linked"
    default_message = _("Link a card of this kind first.")


class UnknownRecipient(DomainError):
    status = 422
    code = "unknown_recipient"
    default_message = _("No wallet was found for this email address or mobile number.")
    # Counts the miss against the sender's daily lookups (ADR 0047). Raised inside the
    # caller's transaction, the count would roll back with it: (sender, currency) to count
    # once the refusal becomes an answer after the rollback (``wallet.refusals.record``).
    miss: tuple[User, str] | None = None


class TooManyUnknownRecipients(DomainError):
    status = 429
    code = "too_many_unknown_recipients"
    default_message = _("Too many payments went to addresses or numbers without a wallet today. "
                        "You can still pay people you have paid before; try someone new "
                        "tomorrow, or contact support.")


class TransferToSelf(DomainError):
    status = 422
    code = "transfer_to_self"
    default_message = _("You cannot transfer money to yourself.")


class UnknownMerchant(DomainError):
    status = 422
    code = "unknown_merchant"
    default_message = _("This merchant does not exist or does not accept payments.")


class TransactionNotFound(NotFound):
    code = "transaction_not_found"
    default_message = _("This transaction does not exist.")


class NotRefundable(Conflict):
    status = 422
    code = "payment_not_refundable"
    default_message = _("Only completed payments can be refunded.")


class RefundExceedsPayment(DomainError):
    status = 422
    code = "refund_exceeds_payment"
    default_message = _("The refund is larger than what is left of the payment.")


class WrongMerchant(PermissionDenied):
    code = "wrong_merchant"
    default_message = _("This payment belongs to another merchant.")


class InsufficientMerchantFunds(DomainError):
    status = 422
    code = "insufficient_merchant_funds"
    default_message = _("The merchant balance is not enough for this refund.")


class RequestNotOpen(Conflict):
    code = "payment_request_not_open"
    default_message = _("This payment request has already been answered or has expired.")


class InvalidCard(DomainError):
    status = 422
    code = "invalid_card_number"
    default_message = _("This card number is not valid.")


class CardNotFound(NotFound):
    # Also another customer's card and a removed one: the answer never tells them apart.
    code = "card_not_found"
    default_message = _("This card is not linked to your wallet.")


class CardAlreadyLinked(Conflict):
    # Only the caller's own linked cards count (ADR 0129): the answer is the same whether or
    # not anyone else has linked the number.
    code = "card_already_linked"
    default_message = _("This card is already linked to your wallet.")


class FeeNoticeTooShort(DomainError):
    status = 422
    code = "fee_notice_too_short"
    default_message = _("A fee or promotion change must be announced at least a minute before "
                        "it takes effect.")
