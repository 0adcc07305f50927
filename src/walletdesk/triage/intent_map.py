"""From a predicted intent to a queue (agent skill), a priority and articles to suggest.

Every BANKING77 intent and every product intent of our own examples has a row;
:func:`route` falls back to the general queue for a name it does not know, so a
retrained model with a new intent still routes somewhere sensible. Article
slugs are the help center's (``walletdesk.helpcenter``); they are referred to
by slug only.
"""

from __future__ import annotations

from dataclasses import dataclass

QUEUES = ("payments", "refunds", "account_security", "technical", "general")
PRIORITIES = ("urgent", "high", "normal")
MAX_ARTICLES = 3

# The product's own intents (no BANKING77 name fits them).
PRODUCT_INTENTS = (
    "account_locked",
    "phishing_report",
    "contact_human",
    "fee_question",
    "app_problem",
    "forgot_password",
)


@dataclass(frozen=True)
class Route:
    queue: str
    priority: str
    articles: tuple[str, ...]


def _r(queue: str, priority: str, *articles: str) -> Route:
    return Route(queue, priority, articles[:MAX_ARTICLES])


_CARD = ("payment-methods", "contact-support")
_TOPUP = ("top-up", "transaction-incomplete", "payment-methods")
_TRANSFER = ("transfer-money", "transaction-incomplete", "contact-support")
_FEES = ("fees", "payment-methods")
_VERIFY = ("identity-verification", "contact-support")
_FRAUD = ("account-security", "phishing-scams", "contact-support")
_REFUND = ("request-refund", "transaction-incomplete")

ROUTES: dict[str, Route] = {
    # --- suspected fraud, missing money, locked out: urgent -------------------
    "account_locked": _r("account_security", "urgent", "account-locked", "forgot-password",
                         "contact-support"),
    "phishing_report": _r("account_security", "urgent", "phishing-scams",
                          "verify-official-channels", "account-security"),
    "compromised_card": _r("account_security", "urgent", *_FRAUD),
    "lost_or_stolen_card": _r("account_security", "urgent", "account-security", "payment-methods",
                              "contact-support"),
    "lost_or_stolen_phone": _r("account_security", "urgent", "account-security", "change-phone-or-email",
                               "two-step-verification"),
    "card_payment_not_recognised": _r("account_security", "urgent", *_FRAUD),
    "cash_withdrawal_not_recognised": _r("account_security", "urgent", *_FRAUD),
    "direct_debit_payment_not_recognised": _r("account_security", "urgent", *_FRAUD),
    "transfer_not_received_by_recipient": _r("payments", "urgent", *_TRANSFER),
    "balance_not_updated_after_bank_transfer": _r("payments", "urgent", "transaction-incomplete", "top-up",
                                                  "contact-support"),
    "balance_not_updated_after_cheque_or_cash_deposit": _r("payments", "urgent", "transaction-incomplete",
                                                           "top-up", "contact-support"),
    "wrong_amount_of_cash_received": _r("refunds", "urgent", *_REFUND, "contact-support"),
    "transaction_charged_twice": _r("refunds", "urgent", *_REFUND, "contact-support"),
    "top_up_reverted": _r("payments", "urgent", *_TOPUP),
    # --- blocked or failing: high --------------------------------------------
    "pin_blocked": _r("account_security", "high", "account-locked", "account-security", "contact-support"),
    "passcode_forgotten": _r("account_security", "high", "forgot-password", "account-locked",
                             "two-step-verification"),
    "forgot_password": _r("account_security", "high", "forgot-password", "account-locked",
                          "two-step-verification"),
    "unable_to_verify_identity": _r("account_security", "high", *_VERIFY),
    "card_swallowed": _r("technical", "high", *_CARD),
    "card_not_working": _r("technical", "high", *_CARD, "app-troubleshooting"),
    "virtual_card_not_working": _r("technical", "high", *_CARD, "app-troubleshooting"),
    "contactless_not_working": _r("technical", "high", *_CARD, "app-troubleshooting"),
    "app_problem": _r("technical", "high", "app-troubleshooting", "transaction-incomplete",
                      "contact-support"),
    "declined_card_payment": _r("payments", "high", "payment-methods", "transaction-incomplete", "fees"),
    "declined_cash_withdrawal": _r("payments", "high", "payment-methods", "transaction-incomplete"),
    "declined_transfer": _r("payments", "high", *_TRANSFER),
    "failed_transfer": _r("payments", "high", *_TRANSFER),
    "top_up_failed": _r("payments", "high", *_TOPUP),
    "pending_top_up": _r("payments", "high", *_TOPUP),
    "pending_transfer": _r("payments", "high", *_TRANSFER),
    "pending_card_payment": _r("payments", "high", "transaction-incomplete", "payment-methods"),
    "pending_cash_withdrawal": _r("payments", "high", "transaction-incomplete", "payment-methods"),
    "reverted_card_payment?": _r("refunds", "high", *_REFUND, "payment-methods"),
    "request_refund": _r("refunds", "high", *_REFUND, "contact-support"),
    "Refund_not_showing_up": _r("refunds", "high", *_REFUND, "contact-support"),
    "extra_charge_on_statement": _r("refunds", "high", "fees", *_REFUND),
    "card_payment_wrong_exchange_rate": _r("refunds", "high", "fees", *_REFUND),
    "wrong_exchange_rate_for_cash_withdrawal": _r("refunds", "high", "fees", *_REFUND),
    "contact_human": _r("general", "high", "contact-support", "service-hours", "phone-support-tips"),
    # --- questions: normal ------------------------------------------------------
    "cancel_transfer": _r("payments", "normal", *_TRANSFER),
    "transfer_timing": _r("payments", "normal", *_TRANSFER),
    "transfer_into_account": _r("payments", "normal", "top-up", "transfer-money"),
    "receiving_money": _r("payments", "normal", "transfer-money", "top-up"),
    "beneficiary_not_allowed": _r("payments", "normal", *_TRANSFER),
    "top_up_limits": _r("payments", "normal", "top-up", "identity-verification", "fees"),
    "automatic_top_up": _r("payments", "normal", "top-up", "payment-methods"),
    "topping_up_by_card": _r("payments", "normal", "top-up", "payment-methods", "fees"),
    "top_up_by_cash_or_cheque": _r("payments", "normal", "top-up", "payment-methods"),
    "verify_top_up": _r("payments", "normal", "top-up", "identity-verification"),
    "exchange_via_app": _r("payments", "normal", "fees", "transfer-money"),
    "apple_pay_or_google_pay": _r("payments", "normal", "payment-methods", "top-up"),
    "card_acceptance": _r("payments", "normal", "payment-methods"),
    "atm_support": _r("payments", "normal", "payment-methods", "fees"),
    "disposable_card_limits": _r("payments", "normal", "payment-methods", "account-security"),
    "fee_question": _r("payments", "normal", *_FEES, "top-up"),
    "card_payment_fee_charged": _r("payments", "normal", *_FEES),
    "transfer_fee_charged": _r("payments", "normal", "fees", "transfer-money"),
    "top_up_by_bank_transfer_charge": _r("payments", "normal", "fees", "top-up"),
    "top_up_by_card_charge": _r("payments", "normal", "fees", "top-up"),
    "cash_withdrawal_charge": _r("payments", "normal", *_FEES),
    "exchange_charge": _r("payments", "normal", *_FEES),
    "exchange_rate": _r("payments", "normal", *_FEES),
    "verify_my_identity": _r("account_security", "normal", *_VERIFY),
    "why_verify_identity": _r("account_security", "normal", *_VERIFY),
    "verify_source_of_funds": _r("account_security", "normal", *_VERIFY),
    "change_pin": _r("account_security", "normal", "account-security", "payment-methods"),
    "activate_my_card": _r("general", "normal", *_CARD),
    "card_arrival": _r("general", "normal", *_CARD),
    "card_delivery_estimate": _r("general", "normal", *_CARD),
    "card_linking": _r("general", "normal", "payment-methods", "top-up"),
    "card_about_to_expire": _r("general", "normal", *_CARD),
    "get_physical_card": _r("general", "normal", *_CARD),
    "order_physical_card": _r("general", "normal", *_CARD),
    "getting_spare_card": _r("general", "normal", *_CARD),
    "getting_virtual_card": _r("general", "normal", *_CARD),
    "get_disposable_virtual_card": _r("general", "normal", "payment-methods", "account-security"),
    "visa_or_mastercard": _r("general", "normal", "payment-methods"),
    "supported_cards_and_currencies": _r("general", "normal", "payment-methods", "fees"),
    "fiat_currency_support": _r("general", "normal", "payment-methods", "fees"),
    "country_support": _r("general", "normal", "payment-methods", "service-hours"),
    "age_limit": _r("general", "normal", "identity-verification"),
    "edit_personal_details": _r("general", "normal", "change-phone-or-email", "identity-verification"),
    "terminate_account": _r("general", "normal", "contact-support", "account-security"),
}

FALLBACK = _r("general", "normal", "contact-support")


def route(intent: str) -> Route:
    return ROUTES.get(intent, FALLBACK)
