"""In-memory BM25F search over help articles, one index per language.

The index is built from the database on first use and rebuilt when articles
change: services call :func:`invalidate` after commit, and every process also
compares a cheap stamp of the article table at most every
``STAMP_CHECK_SECONDS`` so that an edit made by another process is seen too.
Nothing here is state that only one process knows: it is a cache of the DB.
"""

from __future__ import annotations

import math
import re
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.db.models import Count, Max, Sum
from rapidfuzz import fuzz, process

from . import markup, textproc
from .errors import QueryTooLong, UnknownLanguage

LANGS = ("zh-hans", "en")
MAX_QUERY = 200
STAMP_CHECK_SECONDS = 2.0
K1, B = 1.2, 0.75
# Field weights (BM25F): the title says the most, then keywords and summary.
OWN_FIELDS = {"title": 3.0, "keywords": 2.0, "summary": 1.5, "body": 1.0}
OTHER_FIELDS = {"title": 0.6, "keywords": 0.4}
MIN_SHARE_OF_TOP = 0.2  # drop results far below the best one


@dataclass(frozen=True)
class Doc:
    """One article as the index sees it (fields are plain text)."""

    slug: str
    title: dict[str, str]
    body: dict[str, str]
    summary: dict[str, str] = field(default_factory=dict)
    keywords: dict[str, str] = field(default_factory=dict)


@dataclass
class Hit:
    slug: str
    title: str
    score: float
    snippet: str = ""


def _suffix(lang: str) -> str:
    return "en" if lang == "en" else "zh"


def _other(lang: str) -> str:
    return "zh-hans" if lang == "en" else "en"


class Index:
    def __init__(self, docs: Iterable[Doc], lang: str) -> None:
        self.lang = lang
        self.docs = list(docs)
        self.postings: dict[str, list[tuple[int, float]]] = {}
        self.lengths: list[float] = []
        self.vocabulary: set[str] = set()
        for i, doc in enumerate(self.docs):
            weighted: dict[str, float] = {}
            length = 0.0
            for fields, source_lang in ((OWN_FIELDS, lang), (OTHER_FIELDS, _other(lang))):
                for name, weight in fields.items():
                    text = getattr(doc, name).get(source_lang, "")
                    self.vocabulary.update(textproc.latin_words(textproc.normalize(text)))
                    for tok, n in textproc.term_counts(text).items():
                        weighted[tok] = weighted.get(tok, 0.0) + weight * n
                        length += weight * n
            self.lengths.append(length)
            for tok, tf in weighted.items():
                self.postings.setdefault(tok, []).append((i, tf))
        n = len(self.docs)
        self.avg = (sum(self.lengths) / n) if n else 1.0
        self.idf = {t: math.log(1 + (n - len(p) + 0.5) / (len(p) + 0.5))
                    for t, p in self.postings.items()}
        self.stems = {textproc.stem(w) for w in self.vocabulary}
        self.words = sorted(w for w in self.vocabulary if len(w) >= 3 and w.isalpha())
        self._correct = lru_cache(maxsize=4096)(self._correct_uncached)

    def _correct_uncached(self, word: str) -> str:
        """The nearest vocabulary word for an English word we don't know (typo tolerance)."""
        if len(word) < 4 or not word.isalpha() or word in self.vocabulary or \
                word in textproc.STOP_EN or textproc.stem(word) in self.stems:
            return word
        best = process.extractOne(word, self.words, scorer=fuzz.ratio, score_cutoff=80)
        return str(best[0]) if best else word

    def correct(self, word: str) -> str:
        return str(self._correct(word))

    def score(self, query: dict[str, float]) -> dict[int, float]:
        scores: dict[int, float] = {}
        for tok, qw in query.items():
            postings = self.postings.get(tok)
            if not postings:
                continue
            idf = self.idf[tok] * qw
            for i, tf in postings:
                norm = K1 * (1 - B + B * self.lengths[i] / self.avg)
                scores[i] = scores.get(i, 0.0) + idf * tf * (K1 + 1) / (tf + norm)
        return scores

    def search(self, q: str, limit: int = 10) -> list[Hit]:
        query = textproc.analyze(q, correct=self.correct)
        scores = self.score(query)
        if not scores:
            return []
        ranked = sorted(scores.items(), key=lambda kv: (-kv[1], self.docs[kv[0]].slug))
        top = ranked[0][1]
        hits = []
        for i, s in ranked[:limit]:
            if s < top * MIN_SHARE_OF_TOP:
                break
            doc = self.docs[i]
            hits.append(Hit(doc.slug, doc.title.get(self.lang, doc.slug), round(s, 4),
                            snippet(doc.body.get(self.lang, ""), query)))
        return hits


_SENTENCE = re.compile(r"[^。!?!?\n]+[。!?!?]?")


def snippet(body: str, query: dict[str, float], size: int = 110) -> str:
    """The sentence of ``body`` that shares most with the query, shortened."""
    terms = [t for t in query if not t.startswith(("~", "#")) and len(t) > 1]
    best, best_hits = "", -1
    for sentence in _SENTENCE.findall(markup.plain(body)):
        sentence = " ".join(sentence.split())
        low = sentence.lower()
        hits = sum(1 for t in terms if t in low)
        if hits > best_hits and len(sentence) > 8:
            best, best_hits = sentence, hits
    return best if len(best) <= size else best[: size - 1] + "…"


# --- the process-wide cache of indexes -----------------------------------------------

_lock = threading.Lock()
_indexes: dict[str, Index] = {}
_stamp: Any = None
_checked = 0.0


def invalidate() -> None:
    global _stamp, _checked
    with _lock:
        _indexes.clear()
        _stamp, _checked = None, 0.0


def _db_stamp() -> Any:
    from .models import Article, Category

    a = Article.objects.aggregate(n=Count("id"), at=Max("updated_at"), v=Sum("version"))
    return (a["n"], a["at"], a["v"], Category.objects.aggregate(n=Count("id"))["n"])


def docs_from_package() -> list[Doc]:
    """The packaged articles (``content/*.md``), without the database."""
    from . import content

    out = []
    for a in content.articles():
        f = a.fields
        out.append(Doc(
            slug=a.slug, title={"zh-hans": f["title_zh"], "en": f["title_en"]},
            body={"zh-hans": markup.plain(f["body_zh"]), "en": markup.plain(f["body_en"])},
            summary={"zh-hans": f["summary_zh"], "en": f["summary_en"]},
            keywords={"zh-hans": f["keywords_zh"], "en": f["keywords_en"]}))
    return out


def docs_from_db() -> list[Doc]:
    from .models import Article

    out = []
    for a in Article.objects.filter(is_published=True).order_by("slug"):
        out.append(Doc(
            slug=a.slug,
            title={"zh-hans": a.title_zh, "en": a.title_en},
            body={"zh-hans": markup.plain(a.body_zh), "en": markup.plain(a.body_en)},
            summary={"zh-hans": a.summary_zh, "en": a.summary_en},
            keywords={"zh-hans": a.keywords_zh, "en": a.keywords_en}))
    return out


def index_for(lang: str) -> Index:
    global _stamp, _checked
    with _lock:
        if time.monotonic() - _checked > STAMP_CHECK_SECONDS or _stamp is None:
            stamp = _db_stamp()
            _checked = time.monotonic()
            if stamp != _stamp:
                _indexes.clear()
                _stamp = stamp
        index = _indexes.get(lang)
        if index is None:
            index = _indexes[lang] = Index(docs_from_db(), lang)
        return index


def clean_query(q: object, lang: object) -> tuple[str, str]:
    """Validate the inputs: a known language, a query of at most MAX_QUERY characters."""
    if lang not in LANGS:
        raise UnknownLanguage()
    text = q if isinstance(q, str) else ""
    if len(text) > MAX_QUERY:
        raise QueryTooLong()
    return " ".join(textproc.normalize(text).split()), str(lang)


def search(q: object, lang: object, limit: int = 10) -> list[Hit]:
    text, language = clean_query(q, lang)
    if not text:
        return []
    return index_for(language).search(text, limit=max(1, min(limit, 50)))


def suggest(q: object, lang: object, limit: int = 6) -> list[Hit]:
    """As-you-type: titles that contain the text first, then search (last word as a prefix)."""
    text, language = clean_query(q, lang)
    if not text:
        return []
    index = index_for(language)
    hits = [Hit(d.slug, d.title.get(language, d.slug), 1000.0) for d in index.docs
            if text in d.title.get(language, "").lower()][:limit]
    words = text.split()
    last = words[-1] if words else ""
    expanded = text
    if last.isascii() and last.isalpha() and last not in index.vocabulary:
        completions = [w for w in index.words if w.startswith(last)][:3]
        if completions:
            expanded = " ".join([*words[:-1], *completions])
    seen = {h.slug for h in hits}
    for hit in index.search(expanded, limit=limit):
        if hit.slug not in seen and len(hits) < limit:
            hits.append(Hit(hit.slug, hit.title, hit.score))
            seen.add(hit.slug)
    return hits
