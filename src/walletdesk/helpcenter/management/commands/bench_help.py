"""Benchmark help search: quality on the held-out questions next to its speed, as JSON.

Quality: top-1, top-3 and answered rates per language (zh-hans, English, zh-hant) of the
held-out split of :mod:`walletdesk.helpcenter.questions` over the packaged articles, and the
share of off-topic questions answered false.

Speed: the 18 packaged articles plus synthetic ones (built from their sentences, seeded so each
run is the same) go into an in-memory index only: the real database is never touched. A search
is timed whole: one query embedding (never cached here), BM25F and fusion. Queries are the
question set plus misspelt and mixed ones.
"""

from __future__ import annotations

import json
import os
import platform
import random
import statistics
import time
from typing import Any

from django.core.management.base import BaseCommand

from walletdesk.helpcenter import dense, evaluation, questions, search, textproc


def synthetic_docs(base: list[search.Doc], total: int, seed: int = 20) -> list[search.Doc]:
    """Synthetic articles made of whole sentences of the packaged ones (so the dense side finds
    their passage vectors in the store, as it would for real articles)."""
    rng = random.Random(seed)
    sentences = {lang: sorted({s for d in base for s in dense.sentences(d.body[lang])
                               if len(s) > 8}) for lang in search.LANGS}
    out = list(base)
    i = 0
    while len(out) < total:
        i += 1
        parts = {lang: rng.sample(sentences[lang], 12) for lang in search.LANGS}
        out.append(search.Doc(
            slug=f"synthetic-{i:04d}",
            title={lang: parts[lang][0] for lang in search.LANGS},
            body={lang: "\n".join(parts[lang][1:]) for lang in search.LANGS}))
    return out


def bench_queries() -> list[tuple[str, str]]:
    out = [("en" if q.lang == "en" else "zh-hans", q.text)
           for split in questions.SPLITS for q in questions.load(split) if q.lang != "zh-hant"]
    out += [("en", "tranzaction pendng refnd"), ("en", "how much does a withdrawl cost"),
            ("zh-hans", "我的钱到底去哪了 转账 充值 退款 手续费"), ("zh-hans", "refund 退款")]
    return out


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def quality() -> dict[str, Any]:
    figures = evaluation.measure(evaluation.collect("heldout"))
    for v in figures.values():
        v["misses"] = [f"{m['q']} -> {m['got'][:1]} (want {m['want']})" for m in v["misses"]]
    return figures


def timed(index: search.Index, q: str) -> tuple[float, float]:
    """(whole search, of which the query embedding), ms; the embedding is never cached."""
    dense.query_vector.cache_clear()
    t = time.perf_counter()
    vector = dense.query_vector(q)
    embedded = time.perf_counter()
    index.answer(q, qvec=vector)
    done = time.perf_counter()
    return (done - t) * 1000, (embedded - t) * 1000


class Command(BaseCommand):
    help = ("Print JSON: help search quality on the held-out questions and its latency "
            "(p50/p99, ms) over 500 articles in an in-memory index.")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--articles", type=int, default=500)
        parser.add_argument("--rounds", type=int, default=2)
        parser.add_argument("--no-quality", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        from walletdesk.core.embed import embed

        t0 = time.perf_counter()
        textproc.tokenizer()
        jieba_ms = (time.perf_counter() - t0) * 1000
        t0 = time.perf_counter()
        embed(["warm-up"], kind="query")
        encoder_ms = (time.perf_counter() - t0) * 1000
        result: dict[str, Any] = {"benchmark": "help_search"}
        if not options["no_quality"]:
            result["quality_heldout"] = quality()
        docs = synthetic_docs(search.docs_from_package(), options["articles"])
        t0 = time.perf_counter()
        indexes = {lang: search.Index(docs, lang, questions.examples()) for lang in search.LANGS}
        for index in indexes.values():
            index.dense_matrix()
        build_ms = (time.perf_counter() - t0) * 1000
        queries = bench_queries()
        for lang, q in queries[:20]:  # warm-up
            indexes[lang].search(q)
        whole: list[float] = []
        embedding: list[float] = []
        lexical: list[float] = []
        for _ in range(options["rounds"]):
            for lang, q in queries:
                w, e = timed(indexes[lang], q)
                whole.append(w)
                embedding.append(e)
                t = time.perf_counter()
                indexes[lang].lexical(q)
                lexical.append((time.perf_counter() - t) * 1000)

        def stats(values: list[float]) -> dict[str, float]:
            return {"p50": round(statistics.median(values), 3),
                    "p99": round(percentile(values, 99), 3), "max": round(max(values), 3)}

        result.update({
            "articles": len(docs),
            "queries": len(queries),
            "samples": len(whole),
            "latency_ms": stats(whole),
            "latency_ms_query_embedding": stats(embedding),
            "latency_ms_bm25f_only": stats(lexical),
            "target_p99_ms": 30,
            "index_build_ms": round(build_ms, 1),
            "jieba_init_ms": round(jieba_ms, 1),
            "encoder_load_ms": round(encoder_ms, 1),
            "load_average": [round(x, 2) for x in os.getloadavg()],
            "params": search.PARAMS.__dict__,
            "machine": {"cores": os.cpu_count(), "python": platform.python_version(),
                        "implementation": platform.python_implementation(),
                        "platform": platform.platform(), "processor": platform.machine()},
        })
        self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
