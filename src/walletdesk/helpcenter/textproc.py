"""Normalizing and tokenizing help text and queries, in zh-hans and English.

Chinese runs go through jieba (search mode, with the product words of
:mod:`.lexicon`) plus character bigrams; English words are lower-cased,
typo-corrected against a vocabulary when asked, and lightly stemmed. Concept
tokens (``~name``) come from :data:`.lexicon.CONCEPTS`.
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from collections.abc import Callable
from functools import lru_cache

import jieba

from .lexicon import CANTONESE, CONCEPTS, STOP_ZH, USER_WORDS
from .lexicon import STOP_EN as STOP_EN

_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+|[a-z0-9]+(?:['’][a-z]+)?")
_LATIN = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")

_jieba_lock = threading.Lock()
_tokenizer: jieba.Tokenizer | None = None


def tokenizer() -> jieba.Tokenizer:
    global _tokenizer
    if _tokenizer is None:
        with _jieba_lock:
            if _tokenizer is None:
                jieba.setLogLevel(logging.WARNING)
                tk = jieba.Tokenizer()
                tk.initialize()
                for word in USER_WORDS:
                    tk.add_word(word, freq=20000)
                _tokenizer = tk
    return _tokenizer


# Control (Cc), format (Cf: zero-width, bidi), surrogate and private-use characters.
_INVISIBLE = re.compile("[\x00-\x1f\x7f-\x9f\xad\u061c\u180e\u200b-\u200f\u2028-\u202e"
                        "\u2060-\u206f\ufeff\ufff9-\ufffb\ud800-\udfff\ue000-\uf8ff]")


def normalize(text: str) -> str:
    """NFKC, lower case, control and format characters turned into spaces."""
    return _INVISIBLE.sub(" ", unicodedata.normalize("NFKC", text).lower())


_CANTONESE = re.compile("|".join(sorted(map(re.escape, CANTONESE), key=len, reverse=True)))


def mandarin(text: str) -> str:
    """Written Cantonese words of a (zh-hans) query in Mandarin (:data:`.lexicon.CANTONESE`)."""
    return _CANTONESE.sub(lambda m: CANTONESE[m.group(0)], text) if _HAN.search(text) else text


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    if len(word) <= 3 or not word.isalpha():
        return word
    for suffix, repl, minimum in (("ies", "y", 5), ("sses", "ss", 5), ("ing", "", 6),
                                  ("ed", "", 5), ("es", "", 5), ("s", "", 4)):
        if word.endswith(suffix) and len(word) >= minimum and not word.endswith("ss"):
            return word[: len(word) - len(suffix)] + repl
    return word


def latin_words(text: str) -> list[str]:
    return [w.replace("’", "'") for w in _LATIN.findall(text)]


Corrector = Callable[[str], str]


# Per concept: Chinese phrases (substrings), English phrases padded to whole words, and
# English stems of 6+ letters that may also match as a word prefix ("impersonat...").
_PHRASES = [
    (name,
     tuple(p for p in phrases if _HAN.search(p)),
     tuple(f" {p} " for p in phrases if not _HAN.search(p)),
     tuple(f" {p}" for p in phrases if not _HAN.search(p) and len(p) >= 6 and " " not in p))
    for name, phrases in CONCEPTS.items()]


def _concepts(text: str, words: list[str]) -> list[str]:
    spaced = " " + " ".join(words) + " "
    has_han = _HAN.search(text) is not None
    out = []
    for name, han, whole, prefixes in _PHRASES:
        if (has_han and any(p in text for p in han)) or any(p in spaced for p in whole) or \
                any(p in spaced for p in prefixes):
            out.append("~" + name)
    return out


def analyze(text: str, correct: Corrector | None = None) -> dict[str, float]:
    """Token -> weight for one piece of text (a query or an article field)."""
    text = normalize(text)
    weights: dict[str, float] = {}

    def add(token: str, weight: float) -> None:
        if weights.get(token, 0.0) < weight:
            weights[token] = weight

    words: list[str] = []
    for run in _RUN.findall(text):
        if _HAN.match(run):
            for tok in tokenizer().lcut_for_search(run):
                if tok not in STOP_ZH:
                    add(tok, 1.0)
            for i in range(len(run) - 1):
                add("#" + run[i:i + 2], 0.3)
        else:
            word = run.replace("’", "'")
            if correct is not None:
                word = correct(word)
            words.append(word)
            if word not in STOP_EN:
                add(stem(word.replace("'", "")), 1.0)
    for concept in _concepts(text, words):
        add(concept, 2.0)
    return weights


@lru_cache(maxsize=4096)
def term_counts(text: str) -> dict[str, int]:
    """Token -> count, for indexing (concepts count once). Cached: do not mutate the result."""
    text = normalize(text)
    counts: dict[str, int] = {}
    words: list[str] = []
    for run in _RUN.findall(text):
        if _HAN.match(run):
            toks = [t for t in tokenizer().lcut_for_search(run) if t not in STOP_ZH]
            toks += ["#" + run[i:i + 2] for i in range(len(run) - 1)]
        else:
            word = run.replace("’", "'")
            words.append(word)
            toks = [] if word in STOP_EN else [stem(word.replace("'", ""))]
        for tok in toks:
            counts[tok] = counts.get(tok, 0) + 1
    for concept in _concepts(text, words):
        counts[concept] = counts.get(concept, 0) + 1
    return counts
