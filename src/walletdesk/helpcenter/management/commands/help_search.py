"""Search the help center from the command line: one query per line on stdin.

Each output line has the ranked slugs and ``"answered"``: false when no article fits (then
``results`` is empty, as the page and the API offer a person instead). ``--lang zh-hant``
searches as the zh-hant pages do (the query converted to zh-hans first).
"""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand
from django.db import DatabaseError

from walletdesk.core import hant
from walletdesk.core.errors import DomainError
from walletdesk.helpcenter import questions, search
from walletdesk.helpcenter.models import Article


def _db_has_articles() -> bool:
    try:
        return Article.objects.filter(is_published=True).exists()
    except DatabaseError:  # not migrated yet
        return False


class Command(BaseCommand):
    help = "Read one query per line on stdin, print one JSON object per line with the ranked slugs."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--lang", choices=(*search.LANGS, "zh-hant"), default="zh-hans")
        parser.add_argument("--jsonl", action="store_true",
                            help="JSON lines out (the only format; kept for clarity)")
        parser.add_argument("--limit", type=int, default=5)
        parser.add_argument("--source", choices=("auto", "db", "package"), default="auto",
                            help="articles from the database, from the packaged content files, "
                                 "or (auto) the database when it has any, else the package")

    def handle(self, *args: Any, **options: Any) -> None:
        source = options["source"]
        if source == "auto":
            source = "db" if _db_has_articles() else "package"
        is_hant = options["lang"] == "zh-hant"
        lang = "zh-hans" if is_hant else options["lang"]
        index = None if source == "db" else search.Index(search.docs_from_package(), lang,
                                                           questions.examples())
        for raw in sys.stdin:
            query = raw.rstrip("\r\n")
            out: dict[str, Any] = {"query": query}
            try:
                asked = hant.to_hans(query) if is_hant else query
                if index is None:
                    found = search.answer(asked, lang, limit=options["limit"])
                else:
                    text, _ = search.clean_query(asked, lang)
                    found = (index.answer(text, limit=options["limit"]) if text
                             else search.Answer([], False))
                out["answered"] = found.answered
                out["results"] = [{"slug": h.slug, "score": h.score} for h in found.hits]
            except DomainError as exc:
                out["answered"] = False
                out["results"] = []
                out["error"] = exc.code
            self.stdout.write(json.dumps(out, ensure_ascii=False))
