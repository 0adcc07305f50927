from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from walletdesk.triage.classifier import TRAINED_DIR
from walletdesk.triage.training import (
    DatasetMissing,
    TrainingLibrariesMissing,
    dataset_dir,
    differences,
    train,
)


class Command(BaseCommand):
    help = ("Train the triage model from BANKING77 train.csv and our own examples, deterministically, "
            "into the package (or --out DIR); --check retrains into a temporary folder and fails on any "
            "difference from the shipped model.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", type=Path, default=None, help="write here instead of the package")
        parser.add_argument("--check", action="store_true",
                            help="retrain into a temporary folder and compare bytes with the shipped model")
        parser.add_argument("--no-cache", action="store_true",
                            help="embed every row again instead of using the cached encoder vectors "
                                 "(WALLETDESK_TRIAGE_CACHE or ~/.cache/walletdesk/triage)")

    def handle(self, *args: Any, **options: Any) -> None:
        if not (dataset_dir() / "train.csv").is_file():
            reason = f"BANKING77 not found at {dataset_dir()} (set WALLETDESK_BANKING77_DIR)"
            if options["check"] and not settings.CI:
                self.stdout.write(json.dumps({"skipped": True, "reason": reason}))
                return
            raise CommandError(reason)
        try:
            if options["check"]:
                with tempfile.TemporaryDirectory(prefix="triage-check-") as tmp:
                    result = train(Path(tmp), cache=not options["no_cache"])
                    notes: list[str] = []
                    found = differences(TRAINED_DIR, Path(tmp), notes)
                self.stdout.write(json.dumps({"check": "same" if not found else "different",
                                              "differences": found, "notes": notes,
                                              "examples": result.examples,
                                              "embedding_cache": result.embedding_cache,
                                              "train_seconds": round(result.seconds, 1)}, indent=2))
                if found:
                    raise CommandError("the retrained triage model differs from the shipped one")
                return
            result = train(options["out"] or TRAINED_DIR, cache=not options["no_cache"])
        except (DatasetMissing, TrainingLibrariesMissing) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(json.dumps({
            "model": str(result.model_path), "manifest": str(result.manifest_path),
            "bytes": result.model_path.stat().st_size, "examples": result.examples,
            "classes": result.classes, "embedding_cache": result.embedding_cache,
            "train_seconds": round(result.seconds, 1)}, indent=2))
