"""Choose help search's fusion and "answered" parameters on the tuning split (never held-out).

Prints JSON: the best parameters of a grid search and their figures on the tuning split (each
question's own example left out). The ranking weights are chosen first (top-1 plus half of
top-3, summed over zh-hans, English and zh-hant), then the "answered" model: a logistic
regression of on-topic against off-topic questions on the best article's evidence. Copy the result into
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

OPEN = replace(search.PARAMS, answer_mean=(), answer_scale=(), answer_weights=(),
               answer_bias=0.0)


def ranking_score(m: dict[str, Any]) -> float:
    return float(sum(v["top1"] + 0.5 * v["top3"] for v in m.values()))


def fit_answered(rows: list[evaluation.Row], p: search.Params, off_weight: float = 6.0,
                 l2: float = 0.01, steps: int = 3000) -> search.Params:
    """Logistic regression (plain gradient descent, deterministic) of on-topic vs off-topic on
    the answered features; off-topic questions weigh ``off_weight`` times more, since they are
    fewer and answering one lists unrelated articles."""
    x = np.array([search.answer_features(r.features, p, search.decide(r.features, OPEN)[0])
                  for r in rows])
    y = np.array([r.question.slug is not None for r in rows], dtype=float)
    mean, scale = x.mean(axis=0), x.std(axis=0) + 1e-9
    z = (x - mean) / scale
    w, b = np.zeros(z.shape[1]), 0.0
    sample = np.where(y == 0, off_weight, 1.0)
    for _ in range(steps):
        g = (1 / (1 + np.exp(-(z @ w + b))) - y) * sample
        w -= 0.1 * (z.T @ g / len(y) + l2 * w)
        b -= 0.1 * float(g.mean())
    return replace(p, answer_mean=tuple(round(float(v), 5) for v in mean),
                   answer_scale=tuple(round(float(v), 5) for v in scale),
                   answer_weights=tuple(round(float(v), 4) for v in w),
                   answer_bias=round(b, 4))


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
        best = fit_answered(rows, best)
        figures = evaluation.measure(rows, best)
        for v in figures.values():
            v.pop("misses"), v.pop("off_topic_answered")
        self.stdout.write(json.dumps({"params": asdict(best), "tuning": figures}, indent=2))
