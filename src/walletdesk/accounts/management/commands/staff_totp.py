"""Set up a staff member's authenticator app (ADR 0100).

Staff sign in only with a second factor. An administrator runs this once per new staff
member (or with --replace for a lost phone) and hands the key over in person; the command
prints the key, its otpauth:// URI and 10 recovery codes once. Replacing ends every session
and token of that person, and they are told.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction


class Command(BaseCommand):
    help = "Give a staff member an authenticator key (printed once) and recovery codes."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("login", help="the staff member's email address or phone number")
        parser.add_argument("--replace", action="store_true",
                            help="replace an authenticator that is already set up (lost phone)")

    def handle(self, *args: Any, **options: Any) -> None:
        from django.utils.translation import gettext as _

        from walletdesk.accounts import services
        from walletdesk.accounts.services import events, mfa
        from walletdesk.notify import services as notify

        user = services.find_user_by_login(str(options["login"]))
        if user is None or not mfa.required(user):
            raise CommandError("No staff account has this login.")
        if mfa.has_totp(user) and not options["replace"]:
            raise CommandError("This account already has an authenticator; use --replace "
                               "to give it a new one (its sessions and tokens then end).")
        with transaction.atomic():
            replaced = mfa.has_totp(user)
            secret = mfa.enroll_now(user)
            recovery = mfa.new_recovery_codes(user)
            if replaced:
                services.end_sessions(user)
            events.record("mfa_enabled", user, method="totp", by="staff_totp command",
                          replaced=replaced)
            notify.tell_owner(user, "mfa_changed",
                              change=str(_("authenticator app set up by an administrator")))
        self.stdout.write(f"Authenticator key for {user.login} (shown once; hand it over in "
                          f"person):\n  {secret}\n  {mfa.provisioning_uri(user, secret)}\n"
                          "Recovery codes (one use each):\n  " + "\n  ".join(recovery))
