"""Hybrid help search: BM25F fused with dense (multilingual-e5-small) similarity.

One index per language. The lexical side is BM25F over titles, keywords, summaries and bodies
(with synonym concepts, typo correction and the other language's title); the dense side is the
best cosine between the query's embedding and the article's passages (:mod:`.dense`): titles,
summaries, body sentences and the example questions of the tuning split. The two are fused as
``dense + WEIGHT * bm25 / (bm25 + K)``; a query is *answered* only when the best article's
evidence clears the thresholds of :data:`PARAMS` (chosen on the tuning split by ``tune_help``),
otherwise the page and the API say no article fits and offer a person instead.

The index is built from the database on first use and rebuilt when articles
change: services call :func:`invalidate` after commit, and every process also
compares a cheap stamp of the article table at most every
``STAMP_CHECK_SECONDS`` so that an edit made by another process is seen too.
Nothing here is state that only one process knows: it is a cache of the DB.
"""

from __future__ import annotations

import logging
import math
import re
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
from django.db import connections
from django.db.models import Count, Max, Sum
from rapidfuzz import fuzz, process

from . import dense, markup, textproc
from .errors import QueryTooLong, UnknownLanguage

LANGS = ("zh-hans", "en")
OFF_TOPIC = ""  # questions.OFF_TOPIC: the examples key of the off-topic questions
MAX_QUERY = 200
STAMP_CHECK_SECONDS = 2.0
K1, B = 1.2, 0.75
# Field weights (BM25F): the title says the most, then keywords and summary.
OWN_FIELDS = {"title": 3.0, "keywords": 2.0, "summary": 1.5, "body": 1.0}
OTHER_FIELDS = {"title": 0.6, "keywords": 0.4}
MIN_SHARE_OF_TOP = 0.2  # BM25-only (suggestions): drop results far below the best one


@dataclass(frozen=True)
class Params:
    """Fusion and the "answered" decision (chosen on the tuning split by ``tune_help``)."""

    k: float = 8.0  # BM25 saturation: bm25 / (bm25 + k) lies in [0, 1)
    weight: float = 0.05  # weight of the saturated BM25 score next to the dense score
    w_content: float = 0.5  # dense score: best cosine with the article's own text...
    w_centroid: float = 1.0  # ...with the mean of its example questions...
    w_top: float = 0.5  # ...and the mean of its three nearest example questions
    # Answered: a logistic model over the best article's evidence (see answer_features), fitted
    # by tune_help on the tuning split: standardised features, weights, bias.
    answer_mean: tuple[float, ...] = (0.88636, 0.43883, 0.01892, 0.03334, 0.88637, 0.87129, 0.84531, 0.01833)
    answer_scale: tuple[float, ...] = (0.02686, 0.2079, 0.0178, 0.0253, 0.03121, 0.02014, 0.02316, 0.01332)
    answer_weights: tuple[float, ...] = (0.8954, 1.1111, 1.113, 1.7287, 0.1811, 0.8616, -1.1888, -0.3659)
    answer_bias: float = 2.7971
    short_bm25: float = 1.0  # a one-word query ("pasword", "refnd") with this BM25 is answered...
    short_logit: float = -3.0  # ...unless the model is this sure it is not ("weather"→"whether")
    drop: float = 0.04  # results whose fused score is this far below the first are left out


PARAMS = Params()


@dataclass(frozen=True)
class Doc:
    """One article as the index sees it (fields are plain text)."""

    slug: str
    title: dict[str, str]
    body: dict[str, str]
    summary: dict[str, str] = field(default_factory=dict)
    keywords: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Hit:
    slug: str
    title: str
    score: float
    snippet: str = ""


# Distinct questions whose answers an index keeps (least recently asked dropped first).
ANSWERS_KEPT = 2048


@dataclass
class Answer:
    """Ranked hits and whether any of them fits (``answered``); unanswered means no hits."""

    hits: list[Hit]
    answered: bool


@dataclass
class Features:
    """Per article: the raw BM25F score and the best cosines (content, example questions)."""

    bm25: np.ndarray
    content: np.ndarray
    centroid: np.ndarray  # an article without example questions has its content score here
    top: np.ndarray  # and here
    query: dict[str, float]
    off_centroid: float = -1.0  # the same against the off-topic questions (-1: none)
    off_top: float = -1.0


def fuse(f: Features, p: Params = PARAMS) -> tuple[np.ndarray, np.ndarray]:
    """(fused score, dense score) per article."""
    total = p.w_content + p.w_centroid + p.w_top
    dense_score = (p.w_content * f.content + p.w_centroid * f.centroid + p.w_top * f.top) / total
    return dense_score + p.weight * f.bm25 / (f.bm25 + p.k), dense_score


def decide(f: Features, p: Params = PARAMS) -> tuple[list[int], bool]:
    """Article positions, best first (within ``drop`` of the first), and whether answered."""
    fused, _ = fuse(f, p)
    if not len(fused):
        return [], False
    order = sorted(range(len(fused)), key=lambda i: -fused[i])
    best = order[0]
    answered = True
    if p.answer_weights:
        x = np.array(answer_features(f, p, order))
        if f.off_centroid <= -1.0:  # no off-topic examples: their features count as average
            x[[2, 3, 5, 6]] = np.array(p.answer_mean)[[2, 3, 5, 6]]
        z = (x - np.array(p.answer_mean)) / np.array(p.answer_scale)
        logit = float(z @ np.array(p.answer_weights) + p.answer_bias)
        words = [t for t in f.query if not t.startswith(("~", "#"))]
        # What people type in a search box: one word the articles use, perhaps misspelt.
        short = len(words) <= 1 and f.bm25[best] >= p.short_bm25 and logit >= p.short_logit
        answered = bool(logit > 0 or short)
    return [i for i in order if fused[i] >= fused[best] - p.drop], answered


def answer_features(f: Features, p: Params, order: list[int]) -> list[float]:
    """The evidence that the best article fits: its dense score, saturated BM25, how much nearer
    its example questions are than the off-topic ones (centroid, nearest three), its content
    cosine, the off-topic scores themselves, and its lead over the second article."""
    fused, dense_score = fuse(f, p)
    best = order[0]
    second = fused[order[1]] if len(order) > 1 else fused[best] - 0.05
    return [float(dense_score[best]), float(f.bm25[best] / (f.bm25[best] + p.k)),
            float(f.centroid[best] - f.off_centroid), float(f.top[best] - f.off_top),
            float(f.content[best]), f.off_centroid, f.off_top, float(fused[best] - second)]


def _other(lang: str) -> str:
    return "zh-hans" if lang == "en" else "en"


@dataclass
class Dense:
    """Content passage vectors with their article; example vectors in per-article slots."""

    content: np.ndarray
    owner: np.ndarray
    examples: np.ndarray
    slots: np.ndarray  # (articles, most examples of one article): rows of ``examples``, or -1
    groups: np.ndarray
    starts: np.ndarray  # content rows are grouped by article: where each article's rows start
    with_content: np.ndarray  # the articles that have content rows, in order
    sums: np.ndarray  # per slot row: the sum of its example vectors (centroid direction)
    ex_owner: np.ndarray  # per example: its slot row


class Index:
    def __init__(self, docs: Iterable[Doc], lang: str,
                 examples: dict[str, list[tuple[str, str]]] | None = None) -> None:
        self.lang = lang
        self.docs = list(docs)
        self.examples = examples if examples is not None else {}
        self._dense: Dense | None = None
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
        # The answers to the questions people repeat ("忘记密码" many times an hour), kept as
        # long as this index: a published or edited article builds a new index (index_for).
        self._remembered = lru_cache(maxsize=ANSWERS_KEPT)(self._remembered_uncached)

    def _remembered_uncached(self, q: str, limit: int) -> tuple[tuple[Hit, ...], bool]:
        found = self.answer(q, limit)
        return tuple(found.hits), found.answered

    def remembered_answer(self, q: str, limit: int = 10) -> Answer:
        """``answer`` for the pages and the API: a question asked before is answered from
        memory (the hits are frozen; each caller gets its own list)."""
        hits, answered = self._remembered(q, limit)
        return Answer(list(hits), answered)

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

    def passages(self) -> list[tuple[int, str, bool, str]]:
        """(article position, text, is an example question, example group) of every passage."""
        out: list[tuple[int, str, bool, str]] = []
        for i, doc in enumerate(self.docs):
            texts: list[str] = []
            for lang in LANGS:
                texts += [doc.title.get(lang, ""), doc.summary.get(lang, "")]
                texts += dense.sentences(doc.body.get(lang, ""))
            seen: set[str] = set()
            for text in texts:
                text = text.strip()[: dense.MAX_PASSAGE]
                if text and text not in seen:
                    seen.add(text)
                    out.append((i, text, False, ""))
            out += [(i, text, True, group) for text, group in self.examples.get(doc.slug, [])]
        out += [(len(self.docs), text, True, group)
                for text, group in self.examples.get(OFF_TOPIC, [])]
        return out

    def dense_matrix(self) -> Dense:
        """The passage vectors, grouped for scoring; built once per index."""
        if self._dense is None:
            rows = self.passages()
            vectors = dense.passage_vectors([r[1] for r in rows])
            content = np.array([not r[2] for r in rows], dtype=bool)
            owner = np.array([r[0] for r in rows], dtype=np.int64)
            ex_rows = [k for k, r in enumerate(rows) if r[2]]
            per_doc: list[list[int]] = [[] for _ in range(len(self.docs) + 1)]
            for j, k in enumerate(ex_rows):
                per_doc[rows[k][0]].append(j)
            width = max((len(x) for x in per_doc), default=0)
            slots = np.full((len(self.docs) + 1, max(width, 1)), -1, dtype=np.int64)
            for i, js in enumerate(per_doc):
                slots[i, :len(js)] = js
            examples = vectors[ex_rows] if ex_rows else np.zeros((0, vectors.shape[1] if
                                                                  len(vectors) else 384))
            # the last slot row holds the off-topic examples: the "no article fits" class
            ex_owner = np.array([rows[k][0] for k in ex_rows], dtype=np.int64)
            sums = np.zeros((len(self.docs) + 1, examples.shape[1]), dtype=np.float32)
            np.add.at(sums, ex_owner, examples)
            content_owner = owner[content]
            with_content, starts = np.unique(content_owner, return_index=True)
            self._dense = Dense(vectors[content], content_owner, examples, slots,
                                np.array([rows[k][3] for k in ex_rows], dtype=object),
                                starts, with_content, sums, ex_owner)
        return self._dense

    def features(self, q: str, qvec: np.ndarray | None = None,
                 exclude_group: str | None = None) -> Features:
        """The evidence for every article; ``exclude_group`` leaves that example question out
        (evaluating the tuning split on itself)."""
        query = textproc.analyze(q, correct=self.correct)
        n = len(self.docs)
        bm25 = np.zeros(n)
        for i, s in self.score(query).items():
            bm25[i] = s
        d = self.dense_matrix()
        vector = dense.query_vector(q) if qvec is None else qvec
        content = np.full(n, -1.0)
        if len(d.owner):  # content rows are contiguous per article (see passages())
            content[d.with_content] = np.maximum.reduceat(d.content @ vector, d.starts)
        centroid, top = np.append(content, -1.0), np.append(content, -1.0)
        if len(d.examples):
            keep = np.ones(len(d.examples), dtype=bool) if exclude_group is None else \
                d.groups != exclude_group
            sims = np.where(keep, d.examples @ vector, -np.inf)
            padded = np.where(d.slots >= 0, sims[d.slots], -np.inf)
            counts = np.isfinite(padded).sum(axis=1)
            has = counts > 0
            ranked = -np.sort(-padded, axis=1)[:, :3]
            top3 = np.where(np.isfinite(ranked), ranked, 0.0).sum(axis=1)
            top[has] = top3[has] / np.minimum(counts[has], 3)
            sums = d.sums
            if exclude_group is not None and not keep.all():
                sums = sums.copy()
                np.subtract.at(sums, d.ex_owner[~keep], d.examples[~keep])
            norms = np.linalg.norm(sums, axis=1)
            ok = has & (norms > 0)
            centroid[ok] = (sums[ok] @ vector) / norms[ok]
        return Features(bm25, content, centroid[:n], top[:n], query, float(centroid[n]),
                        float(top[n]))

    def answer(self, q: str, limit: int = 10, qvec: np.ndarray | None = None,
               params: Params = PARAMS) -> Answer:
        """Hybrid search: ranked hits when an article fits, else no hits and answered=False."""
        f = self.features(q, qvec)
        order, answered = decide(f, params)
        if not answered:
            return Answer([], False)
        fused, _ = fuse(f, params)
        hits = []
        for i in order[:limit]:
            doc = self.docs[i]
            hits.append(Hit(doc.slug, doc.title.get(self.lang, doc.slug),
                            round(float(fused[i]), 4),
                            snippet(doc.body.get(self.lang, ""), f.query)))
        return Answer(hits, True)

    def search(self, q: str, limit: int = 10) -> list[Hit]:
        return self.answer(q, limit).hits

    def lexical(self, q: str, limit: int = 10) -> list[Hit]:
        """BM25F only (as-you-type suggestions: no embedding per keystroke)."""
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
    """The sentence of ``body`` that shares most with the query, shortened. A list item ends as
    an excerpt, not mid-list: its trailing ";" or "," dropped, and a ":" that leads into a list
    becomes "…". The first letter is left as written ("walletdesk" stays lowercase)."""
    terms = [t for t in query if not t.startswith(("~", "#")) and len(t) > 1]
    best, best_hits = "", -1
    for sentence in _SENTENCE.findall(markup.plain(body)):
        sentence = " ".join(sentence.split())
        low = sentence.lower()
        hits = sum(1 for t in terms if t in low)
        if hits > best_hits and len(sentence) > 8:
            best, best_hits = sentence, hits
    best = best.rstrip(";；,，、 ")
    if best.endswith((":", "：")):
        best = best[:-1].rstrip() + "…"
    return best if len(best) <= size else best[: size - 1] + "…"


# --- the process-wide cache of indexes -----------------------------------------------

logger = logging.getLogger(__name__)
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
            from . import questions

            index = _indexes[lang] = Index(docs_from_db(), lang, questions.examples())
        return index


def warm() -> None:
    """Build what a process's first search would wait for (about 1.5–2 s of CPU): the Chinese
    word splitter, each language's index with its passage vectors, and the text encoder."""
    from walletdesk.core.embed import embed

    for lang in LANGS:
        index_for(lang).dense_matrix()
    embed(["warm-up"], kind="query")  # the encoder's first run allocates its buffers


def warm_in_background() -> threading.Thread:
    """:func:`warm` on a thread of its own, which closes its database connection when done. A
    search that comes first waits for the index under the same lock instead of building it
    twice; a failure is logged and leaves the work to the first search, as without warming."""

    def run() -> None:
        try:
            warm()
        except Exception:
            logger.exception("help search did not warm up; the first search will build it")
        finally:
            connections.close_all()

    thread = threading.Thread(target=run, name="help-search-warm-up", daemon=True)
    thread.start()
    return thread


def clean_query(q: object, lang: object) -> tuple[str, str]:
    """Validate the inputs: a known language, a query of at most MAX_QUERY characters. The
    text is normalised, and written Cantonese words become Mandarin ones (the pages convert a
    zh-hant query to zh-hans first)."""
    if lang not in LANGS:
        raise UnknownLanguage()
    text = q if isinstance(q, str) else ""
    if len(text) > MAX_QUERY:
        raise QueryTooLong()
    return " ".join(textproc.mandarin(textproc.normalize(text)).split()), str(lang)


def answer(q: object, lang: object, limit: int = 10) -> Answer:
    """Hybrid search of the published articles; an empty query is not answered."""
    text, language = clean_query(q, lang)
    if not text:
        return Answer([], False)
    return index_for(language).remembered_answer(text, limit=max(1, min(limit, 50)))


def search(q: object, lang: object, limit: int = 10) -> list[Hit]:
    return answer(q, lang, limit).hits


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
    for hit in index.lexical(expanded, limit=limit):
        if hit.slug not in seen and len(hits) < limit:
            hits.append(Hit(hit.slug, hit.title, hit.score))
            seen.add(hit.slug)
    return hits
