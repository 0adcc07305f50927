"""Load the demo data of every app (idempotent) and print the demo logins.

Each app may have a ``demo`` module with ``seed() -> list[dict]``; they run in
the order of INSTALLED_APPS and each returns the logins it owns. A module may
also have ``seed_late()``, run once every app's ``seed()`` has run (history
that must not be there yet when another app's demo looks at the desk, such as
the wait forecast's eight weeks, which would stop the reports demo).
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
        modules = [import_module(f"{config.name}.demo") for config in apps.get_app_configs()
                   if config.name.startswith("walletdesk.") and find_spec(f"{config.name}.demo")]
        for module in modules:
            with transaction.atomic():
                logins.extend(module.seed())
        for module in modules:
            if hasattr(module, "seed_late"):
                with transaction.atomic():
                    logins.extend(module.seed_late())
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
