"""Search the help center from the command line: one query per line on stdin."""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand

from walletdesk.core.errors import DomainError
from walletdesk.helpcenter import search


class Command(BaseCommand):
    help = "Read one query per line on stdin, print one JSON object per line with the ranked slugs."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--lang", choices=search.LANGS, default="zh-hans")
        parser.add_argument("--jsonl", action="store_true",
                            help="JSON lines out (the only format; kept for clarity)")
        parser.add_argument("--limit", type=int, default=5)

    def handle(self, *args: Any, **options: Any) -> None:
        for raw in sys.stdin:
            query = raw.rstrip("\r\n")
            out: dict[str, Any] = {"query": query}
            try:
                hits = search.search(query, options["lang"], limit=options["limit"])
                out["results"] = [{"slug": h.slug, "score": h.score} for h in hits]
            except DomainError as exc:
                out["results"] = []
                out["error"] = exc.code
            self.stdout.write(json.dumps(out, ensure_ascii=False))
