from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from walletdesk.accounts import chaincheck


class Command(BaseCommand):
    help = ("Verify the hash-chained security log on this database and store the result "
            "(/readyz, /metrics); exit 1 with the first bad row if it is broken.")

    def handle(self, *args: Any, **options: Any) -> None:
        result = chaincheck.check()
        self.stdout.write(json.dumps({"ok": result.ok, "first_bad_id": result.first_bad_id,
                                      "events": result.events, "alerted": result.alerted},
                                     indent=2))
        if not result.ok:
            raise CommandError(f"security event chain broken at row {result.first_bad_id}")
