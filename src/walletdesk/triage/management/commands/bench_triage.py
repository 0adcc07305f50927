from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from walletdesk.triage.bench import run
from walletdesk.triage.training import DatasetMissing, TrainingLibrariesMissing


class Command(BaseCommand):
    help = "Print JSON: triage accuracy on BANKING77 test.csv, p50/p99 latency per message, the machine."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--messages", type=int, default=500, help="messages timed one by one")
        parser.add_argument("--no-baseline", action="store_true", help="skip the TF-IDF-only baseline")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = run(options["messages"], baseline=not options["no_baseline"])
        except (DatasetMissing, TrainingLibrariesMissing) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(json.dumps(report, indent=2, ensure_ascii=False))
