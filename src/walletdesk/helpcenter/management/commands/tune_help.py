"""Choose help search's fusion and "answered" parameters on the tuning split (never held-out).

Prints JSON: the best parameters of a grid search and their figures on the tuning split (each
question's own example left out). The ranking weights are chosen first (top-1 plus half of
top-3, summed over zh-hans, English and zh-hant), then the thresholds: an on-topic question
left unanswered and an off-topic one answered cost the same. Copy the result into
``search.PARAMS`` by hand.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import asdict, replace
from typing import Any

import numpy as np
from django.core.management.base import BaseCommand

from walletdesk.helpcenter import evaluation, search

OPEN = replace(search.PARAMS, answer_dense=-1.0, answer_bm25=-1.0, answer_floor=-1.0,
               answer_margin=-1.0)


def ranking_score(m: dict[str, Any]) -> float:
    return sum(v["top1"] + 0.5 * v["top3"] for v in m.values())


def evidence(rows: list[evaluation.Row], p: search.Params) -> dict[str, np.ndarray]:
    """Per question: right first, right in the top 3, on-topic, and the answered features."""
    slugs = [d.slug for d in search.docs_from_package()]
    cols: dict[str, list[float]] = {k: [] for k in
                                    ("top1", "top3", "on", "dense", "bm25", "margin", "lang")}
    total = p.w_centroid + p.w_top
    for r in rows:
        f = r.features
        order, _ = search.decide(f, p)
        fused, dense_score = search.fuse(f, p)
        best = order[0]
        ranked = [slugs[i] for i in order[:3]]
        cols["top1"].append(ranked[0] == r.question.slug)
        cols["top3"].append(r.question.slug in ranked)
        cols["on"].append(r.question.slug is not None)
        cols["dense"].append(dense_score[best])
        cols["bm25"].append(f.bm25[best] / (f.bm25[best] + p.k))
        cols["margin"].append((p.w_centroid * (f.centroid[best] - f.off_centroid) +
                               p.w_top * (f.top[best] - f.off_top)) / total)
        cols["lang"].append(evaluation.QUALITY_LANGS.index(r.question.lang))
    return {k: np.array(v, dtype=float) for k, v in cols.items()}


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
        e = evidence(rows, best)
        on, off = e["on"] > 0, e["on"] == 0
        langs = [e["lang"] == i for i in range(len(evaluation.QUALITY_LANGS))]
        top_score, best_score = 0.0, -1.0
        for d, b, floor, margin in itertools.product(
                np.arange(0.80, 0.951, 0.005), (0.2, 0.3, 0.4, 0.5, 0.6, 2.0),
                np.arange(0.78, 0.875, 0.01), (-0.02, -0.01, -0.005, 0.0, 0.002, 0.005, 0.01)):
            answered = ((e["dense"] >= d) | ((e["bm25"] >= b) & (e["dense"] >= floor))) & \
                (e["margin"] >= margin)
            score = 0.0
            for mine in langs:
                score += (e["top1"] * answered)[mine & on].mean() + \
                    0.5 * (e["top3"] * answered)[mine & on].mean() + (~answered)[mine & off].mean()
            if score > best_score:
                top_score, best_score = score, score
                chosen = (float(d), float(b), float(floor), float(margin))
        best = replace(best, answer_dense=round(chosen[0], 3), answer_bm25=chosen[1],
                       answer_floor=round(chosen[2], 3), answer_margin=chosen[3])
        figures = evaluation.measure(rows, best)
        for v in figures.values():
            v.pop("misses"), v.pop("off_topic_answered")
        self.stdout.write(json.dumps({"params": asdict(best), "score": round(top_score, 4),
                                      "tuning": figures}, indent=2))
