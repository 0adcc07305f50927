"""Readable names of security events (the stored kind never changes)."""

from django.utils.translation import gettext_lazy as _

EVENT_LABELS = {
    "login": _("Logged in"),
    "login_failed": _("Wrong password"),
    "login_locked": _("Logins paused after wrong passwords"),
    "security_hold": _("Security hold"),
    "second_factor_failed": _("Wrong two-step code"),
    "signed_up": _("Account created"),
    "signup_attempt_existing": _("Someone tried to sign up with your address"),
    "reset_code_sent": _("Password reset code sent"),
    "unlock_code_sent": _("Unlock code sent"),
    "password_reset": _("Password reset"),
    "password_changed": _("Password changed"),
    "unlocked": _("Account unlocked"),
    "signed_out_everywhere": _("Signed out everywhere"),
    "frozen": _("Account frozen"),
    "impossible_travel": _("Login from an impossible place: account held"),
    "step_up": _("Identity confirmed again"),
    "step_up_failed": _("Identity confirmation failed"),
    "mfa_enabled": _("Two-step verification turned on"),
    "mfa_disabled": _("Two-step verification turned off"),
    "recovery_codes_renewed": _("New recovery codes"),
    "passkey_added": _("Passkey added"),
    "passkey_removed": _("Passkey removed"),
    "anti_phishing_phrase_set": _("Anti-phishing phrase changed"),
    "password_reminder_set": _("Password reminder changed"),
    "risk_hold": _("Payment held for review"),
    "risk_freeze": _("Account frozen by risk rules"),
    "risk_review_approved": _("Held payment approved after review"),
    "risk_review_rejected": _("Held payment rejected after review"),
    "risk_review_used": _("Approved payment sent"),
    "risk_review_hold_released": _("Freeze after a review lifted"),
    "device_signed_out": _("A device was signed out"),
    "support_verification_requested": _("Customer service asked you to confirm it is you"),
    "support_customer_verified": _("You confirmed it is you to customer service"),
    "support_action_requested": _("Customer service asked to change your account"),
    "support_action_approved": _("A change by customer service was approved"),
    "support_action_rejected": _("A change by customer service was turned down"),
    "support_action_refused": _("A change by customer service was refused"),
    "support_action_done": _("Customer service changed your account"),
    "audit_chain_broken": _("The security log was found altered"),
    "merchant_webhook_set": _("Refund request webhook address set"),
    "merchant_webhook_secret_rotated": _("Refund request webhook secret renewed"),
    "merchant_webhook_removed": _("Refund request webhook removed"),
    "card_removed": _("Card removed from the wallet"),
    "card_default_changed": _("Default card changed"),
}
BACK_OFFICE = _("Changed in the back office")
OTHER = _("Other account activity")


def event_label(kind: str) -> str:
    """Words for a stored event kind; never the code itself, even for a kind added later."""
    if kind in EVENT_LABELS:
        return str(EVENT_LABELS[kind])
    return str(BACK_OFFICE if kind.startswith("admin_") else OTHER)
