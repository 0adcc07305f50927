"""Benchmark help search: p50/p99 latency with 500 articles, in memory.

The 18 packaged articles plus synthetic ones (built from their sentences and
a product vocabulary, seeded so each run is the same) go into an in-memory
index only: the real database is never touched. Queries are the held-out and
tuning lists of the tests plus misspelt and mixed ones.
"""

from __future__ import annotations

import json
import os
import platform
import random
import statistics
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand

from walletdesk.helpcenter import search, textproc

TESTS = Path(__file__).resolve().parents[2] / "tests"


def synthetic_docs(base: list[search.Doc], total: int, seed: int = 20) -> list[search.Doc]:
    rng = random.Random(seed)
    sentences = {lang: [s for d in base for s in search._SENTENCE.findall(d.body[lang]) if len(s) > 8]
                 for lang in search.LANGS}
    out = list(base)
    i = 0
    while len(out) < total:
        i += 1
        parts = {lang: rng.sample(sentences[lang], 12) for lang in search.LANGS}
        out.append(search.Doc(
            slug=f"synthetic-{i:04d}",
            title={lang: parts[lang][0][:60] for lang in search.LANGS},
            body={lang: "\n".join(parts[lang][1:]) for lang in search.LANGS}))
    return out


def bench_queries() -> list[tuple[str, str]]:
    out = []
    for name in ("heldout_queries.jsonl", "tuning_queries.jsonl"):
        for line in (TESTS / name).read_text("utf-8").splitlines():
            row = json.loads(line)
            if "q" in row:
                out.append((row["lang"], row["q"]))
    out += [("en", "tranzaction pendng refnd"), ("en", "how much does a withdrawl cost"),
            ("zh-hans", "我的钱到底去哪了 转账 充值 退款 手续费"), ("zh-hans", "refund 退款")]
    return out


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


class Command(BaseCommand):
    help = "Print JSON: help search latency (p50/p99, ms) over 500 articles in an in-memory index."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--articles", type=int, default=500)
        parser.add_argument("--rounds", type=int, default=10)

    def handle(self, *args: Any, **options: Any) -> None:
        t0 = time.perf_counter()
        textproc.tokenizer()
        jieba_ms = (time.perf_counter() - t0) * 1000
        docs = synthetic_docs(search.docs_from_package(), options["articles"])
        t0 = time.perf_counter()
        indexes = {lang: search.Index(docs, lang) for lang in search.LANGS}
        build_ms = (time.perf_counter() - t0) * 1000
        queries = bench_queries()
        for lang, q in queries:  # warm-up (fills the typo cache as a live server would)
            indexes[lang].search(q)
        cold: list[float] = []
        for lang, q in queries:  # first time each query is seen by a fresh index
            fresh = indexes[lang]
            fresh._correct.cache_clear()
            t = time.perf_counter()
            fresh.search(q)
            cold.append((time.perf_counter() - t) * 1000)
        warm: list[float] = []
        for _ in range(options["rounds"]):
            for lang, q in queries:
                t = time.perf_counter()
                indexes[lang].search(q)
                warm.append((time.perf_counter() - t) * 1000)
        result = {
            "benchmark": "help_search",
            "articles": len(docs),
            "queries": len(queries),
            "samples": len(warm),
            "latency_ms": {"p50": round(statistics.median(warm), 3),
                           "p99": round(percentile(warm, 99), 3),
                           "max": round(max(warm), 3)},
            "latency_ms_uncached_typos": {"p50": round(statistics.median(cold), 3),
                                          "p99": round(percentile(cold, 99), 3)},
            "target_p99_ms": 30,
            "index_build_ms": round(build_ms, 1),
            "jieba_init_ms": round(jieba_ms, 1),
            "machine": {"cores": os.cpu_count(), "python": platform.python_version(),
                        "implementation": platform.python_implementation(),
                        "platform": platform.platform(), "processor": platform.machine()},
        }
        self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
