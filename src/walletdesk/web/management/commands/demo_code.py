"""Print the current authenticator code of a demo login that has one (staff, and the demo
customer with two-step verification), so a demo needs no phone. Never in production."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


def demo_logins() -> set[str]:
    from walletdesk.accounts import demo as accounts_demo
    from walletdesk.support import demo as support_demo

    return {accounts_demo.ADMIN_EMAIL, accounts_demo.TOTP_CUSTOMER["email"],
            *(row[0] for row in support_demo.AGENTS)}


class Command(BaseCommand):
    help = "Print the current two-step code of a demo login (development and staging demos only)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("login", help="a demo login, for example chen.jing@walletdesk.example")

    def handle(self, *args: Any, **options: Any) -> None:
        import pyotp

        from walletdesk.accounts.models import TotpDevice
        from walletdesk.accounts.services import mfa
        from walletdesk.core import clock
        from walletdesk.core.checks import demo_allowed

        if settings.PRODUCTION and not demo_allowed():
            raise CommandError("demo_code refuses to run in production (WALLETDESK_PRODUCTION=1).")
        login = str(options["login"]).strip().lower()
        if login not in demo_logins():
            raise CommandError(f"{login} is not a demo login with an authenticator "
                               f"(see walletdesk seed_demo).")
        device = TotpDevice.objects.filter(user__email__iexact=login,
                                           confirmed_at__isnull=False).first()
        if device is None:
            raise CommandError(f"{login} has no authenticator yet: run walletdesk seed_demo.")
        now = clock.now().timestamp()
        left = mfa.STEP - int(now) % mfa.STEP
        code = pyotp.TOTP(mfa.unseal(device.sealed_secret)).at(now)
        self.stdout.write(f"{code}  (valid for about {left + mfa.STEP} more seconds, once)")
