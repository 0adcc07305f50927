"""Write ``helpcenter/vectors.npz``: the passage vectors of the packaged articles and examples.

Run after editing ``content/*.md`` or ``questions/tuning.txt``; the test suite fails when the
stored file no longer covers every packaged passage (the search would then embed the missing
ones when it builds its index, which works but makes that first request slow).
"""

from __future__ import annotations

import json
import time
from typing import Any

from django.core.management.base import BaseCommand

from walletdesk.helpcenter import dense, questions, search


def packaged_passages() -> list[str]:
    index = search.Index(search.docs_from_package(), "zh-hans", questions.examples())
    return [text for _, text, _, _ in index.passages()]


class Command(BaseCommand):
    help = "Embed the packaged help passages and write helpcenter/vectors.npz."

    def handle(self, *args: Any, **options: Any) -> None:
        t0 = time.perf_counter()
        n = dense.write_store(packaged_passages())
        self.stdout.write(json.dumps({"passages": n, "file": str(dense.STORE),
                                      "seconds": round(time.perf_counter() - t0, 1)}))
