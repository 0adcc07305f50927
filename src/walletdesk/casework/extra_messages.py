"""Strings of ``wallet/services/adjustments.py`` and the wallet's labels for support's changes, kept
in this app's catalogue (the wallet's own catalogue belongs to the wallet's owners)."""

from django.utils.translation import gettext_noop

MESSAGES = [
    gettext_noop("This transaction has no charged fee that can be refunded."),
    gettext_noop("The fee of this transaction has already been refunded."),
    gettext_noop("A fee refund cannot be larger than the fee charged."),
    gettext_noop("Only a pending transaction can be retried or given up."),
    gettext_noop("Fee refund"),
    gettext_noop("Given up by customer support; held money released"),
    gettext_noop("Fee refunded by customer support"),
    gettext_noop("Refund of a fee"),
]
