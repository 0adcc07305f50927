from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from walletdesk.wallet import invariants
from walletdesk.wallet.models import LedgerAccount, Posting, Transaction


class Command(BaseCommand):
    help = "Verify every ledger invariant on this database; exit 1 with a report if one fails."

    def handle(self, *args: Any, **options: Any) -> None:
        found = invariants.problems()
        report = {"database": connection.vendor, "accounts": LedgerAccount.objects.count(),
                  "postings": Posting.objects.count(),
                  "transactions": Transaction.objects.count(),
                  "ok": not found, "problems": found[:200]}
        self.stdout.write(json.dumps(report, indent=2))
        if found:
            raise CommandError(f"{len(found)} ledger invariant(s) broken")
