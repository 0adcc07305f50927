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
}
