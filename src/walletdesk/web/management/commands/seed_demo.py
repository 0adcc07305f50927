"""Load the demo data of every app (idempotent) and print the demo logins.

Each app may have a ``demo`` module with ``seed() -> list[dict]``; they run in
the order of INSTALLED_APPS and each returns the logins it owns.
"""

from __future__ import annotations

import json
from importlib import import_module
from importlib.util import find_spec
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction


class Command(BaseCommand):
    help = "Create demo customers, merchants, agents and history (safe to run again)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--json", action="store_true", help="print the logins as JSON")
        parser.add_argument("--quiet", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        from walletdesk.core.checks import ALLOW_DEMO_ENV, demo_allowed

        if settings.PRODUCTION and not demo_allowed():
            raise CommandError(
                "seed_demo refuses to run in production (WALLETDESK_PRODUCTION=1): its "
                "passwords and merchant keys are public. For a staging demo only, set "
                f"{ALLOW_DEMO_ENV}=1.")
        logins: list[dict[str, Any]] = []
        for config in apps.get_app_configs():
            name = f"{config.name}.demo"
            if not config.name.startswith("walletdesk.") or find_spec(name) is None:
                continue
            with transaction.atomic():
                logins.extend(import_module(name).seed())
        if options["json"]:
            self.stdout.write(json.dumps(logins, ensure_ascii=False, indent=2))
        elif not options["quiet"]:
            self.stdout.write("Demo logins (password shown once here; change them in production):")
            for entry in logins:
                extra = "  ".join(f"{k}={v}" for k, v in entry.items()
                                  if k not in ("role", "login", "password", "name"))
                self.stdout.write(f"  {entry['role']:<13} {entry['login']:<32} "
                                  f"{entry['password']:<22} {entry.get('name', '')}  {extra}")
            if any("totp_secret" in entry for entry in logins):
                self.stdout.write(
                    "Two-step verification: staff (and the customer with a totp_secret) sign in "
                    "with a 6-digit code. Add the totp_secret to an authenticator app, or print "
                    "the current code with: walletdesk demo_code LOGIN")
