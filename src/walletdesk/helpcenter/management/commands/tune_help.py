"""Choose help search's fusion and "answered" parameters on the tuning split (never held-out).

Prints JSON: the best parameters found by a grid search and their figures on the tuning split.
The ranking is chosen first (mean top-1 and top-3 over zh-hans, English and zh-hant), then the
thresholds (on-topic questions answered, off-topic ones answered false). Copy the result into
``search.PARAMS`` by hand.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import asdict, replace
from typing import Any

from django.core.management.base import BaseCommand

from walletdesk.helpcenter import evaluation, search

OPEN = replace(search.PARAMS, answer_dense=-1.0, answer_bm25=-1.0, answer_floor=-1.0)


def ranking_score(m: dict[str, Any]) -> float:
    return sum(v["top1"] + 0.5 * v["top3"] for v in m.values())


def answer_score(m: dict[str, Any]) -> float:
    # An unanswered on-topic question and an answered off-topic one cost the same.
    return sum(v["top1"] + 0.5 * v["top3"] + v["off_topic_answered_false"] for v in m.values())


class Command(BaseCommand):
    help = "Grid-search the fusion weights and answered thresholds on the tuning split."

    def handle(self, *args: Any, **options: Any) -> None:
        rows = evaluation.collect("tuning")
        best, best_score = OPEN, -1.0
        for k, w, wc, wcen, wt in itertools.product(
                (2.0, 8.0), (0.0, 0.025, 0.05, 0.1), (0.0, 0.5, 1.0), (0.5, 1.0, 2.0),
                (0.0, 0.5, 1.0)):
            p = replace(OPEN, k=k, weight=w, w_content=wc, w_centroid=wcen, w_top=wt)
            s = ranking_score(evaluation.measure(rows, p))
            if s > best_score:
                best, best_score = p, s
        ranked, best_score = best, -1.0
        for d, b, floor in itertools.product(
                [x / 200 for x in range(160, 191)], (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 2.0),
                [x / 100 for x in range(78, 88)]):
            if floor > d:
                continue
            p = replace(ranked, answer_dense=d, answer_bm25=b, answer_floor=floor)
            s = answer_score(evaluation.measure(rows, p))
            if s > best_score:
                best, best_score = p, s
        figures = evaluation.measure(rows, best)
        for v in figures.values():
            v.pop("misses"), v.pop("off_topic_answered")
        self.stdout.write(json.dumps({"params": asdict(best), "tuning": figures}, indent=2))
