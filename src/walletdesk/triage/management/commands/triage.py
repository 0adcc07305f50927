from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from walletdesk.core.errors import DomainError
from walletdesk.triage import services


class Command(BaseCommand):
    help = ("Triage customer messages: with --jsonl read one text per line on stdin and print "
            '{"text","intent","confidence","queue","priority","articles"} per line.')
    # It reads no database and serves nothing: Django's system checks would import every URL
    # configuration, view and API schema first (about 40 MB and a second for one message).
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--jsonl", action="store_true",
                            help="one text per line in, one JSON per line out")
        parser.add_argument("--lang", choices=services.LANGS, default=None)
        parser.add_argument("text", nargs="*", help="texts to triage (without --jsonl)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["jsonl"]:
            texts: Any = (line.rstrip("\r\n") for line in self._lines())
        elif options["text"]:
            texts = options["text"]
        else:
            raise CommandError("give texts as arguments or use --jsonl with lines on stdin")
        for text in texts:
            self.stdout.write(json.dumps(self._one(text, options["lang"]), ensure_ascii=False))
            self.stdout.flush()

    @staticmethod
    def _lines() -> Iterator[str]:
        """stdin as text; bytes that are not UTF-8 become U+FFFD instead of stopping the run."""
        raw = getattr(sys.stdin, "buffer", None)
        if raw is None:
            yield from sys.stdin
            return
        for line in raw:
            yield line.decode("utf-8", errors="replace")

    @staticmethod
    def _one(text: str, lang: str | None) -> dict[str, Any]:
        try:
            t = services.classify(text, lang)
        except DomainError as exc:
            if exc.code == "triage_unavailable":
                raise CommandError(str(exc.message)) from exc
            return {"text": text, "error": exc.as_dict()}
        return {"text": text, "intent": t.intent, "confidence": t.confidence, "queue": t.queue,
                "priority": t.priority, "articles": list(t.articles)}
