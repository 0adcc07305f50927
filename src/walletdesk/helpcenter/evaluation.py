"""Search quality on the project's question set (:mod:`.questions`), per language.

Used by ``bench_help`` (held-out split), ``tune_help`` (tuning split) and the quality tests.
Articles come from the packaged content, so no database is needed. zh-hant questions are
searched as the pages search them: converted to zh-hans first. On the tuning split each
question's own example passage is left out, so a question never finds itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from . import questions, search

QUALITY_LANGS = ("zh-hans", "en", "zh-hant")


@dataclass
class Row:
    question: questions.Question
    features: search.Features


def search_text(q: questions.Question) -> tuple[str, str]:
    """(text, index language) as the page would search this question."""
    from walletdesk.core import hant

    text = hant.to_hans(q.text) if q.lang == "zh-hant" else q.text
    clean, _ = search.clean_query(text, "en" if q.lang == "en" else "zh-hans")
    return clean, "en" if q.lang == "en" else "zh-hans"


def indexes() -> dict[str, search.Index]:
    docs = search.docs_from_package()
    examples = questions.examples()
    return {lang: search.Index(docs, lang, examples) for lang in search.LANGS}


def collect(split: str, idx: dict[str, search.Index] | None = None) -> list[Row]:
    from walletdesk.core.embed import embed

    idx = idx or indexes()
    qs = list(questions.load(split))
    texts = [search_text(q) for q in qs]
    vectors = np.concatenate([embed([t for t, _ in texts[i:i + 64]], kind="query")
                              for i in range(0, len(texts), 64)]) if texts else np.zeros((0, 1))
    leave_out = split == "tuning"
    return [Row(q, idx[lang].features(text, vectors[k], q.group if leave_out else None))
            for k, (q, (text, lang)) in enumerate(zip(qs, texts, strict=True))]


def measure(rows: list[Row], params: search.Params = search.PARAMS,
            slugs: list[str] | None = None) -> dict[str, Any]:
    """Per language: top-1 and top-3 of on-topic questions (an unanswered one is a miss), the
    share of on-topic questions answered, and of off-topic questions answered false."""
    slugs = slugs or [d.slug for d in search.docs_from_package()]
    out: dict[str, Any] = {}
    for lang in QUALITY_LANGS:
        mine = [r for r in rows if r.question.lang == lang]
        if not mine:
            continue
        on = [r for r in mine if r.question.slug]
        off = [r for r in mine if not r.question.slug]
        top1 = top3 = answered = 0
        misses = []
        for r in on:
            order, ok = search.decide(r.features, params)
            ranked = [slugs[i] for i in order[:3]] if ok else []
            answered += ok
            top1 += bool(ranked) and ranked[0] == r.question.slug
            top3 += r.question.slug in ranked
            if not ranked or ranked[0] != r.question.slug:
                misses.append({"q": r.question.text, "want": r.question.slug, "got": ranked})
        off_false = sum(not search.decide(r.features, params)[1] for r in off)
        out[lang] = {
            "questions": len(on), "top1": round(top1 / len(on), 4) if on else None,
            "top3": round(top3 / len(on), 4) if on else None,
            "answered": round(answered / len(on), 4) if on else None,
            "off_topic": len(off),
            "off_topic_answered_false": round(off_false / len(off), 4) if off else None,
            "misses": misses,
            "off_topic_answered": [r.question.text for r in off
                                   if search.decide(r.features, params)[1]],
        }
    return out
