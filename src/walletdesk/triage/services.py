"""Triage of a customer message: intent, queue, priority and articles to suggest.

``classify`` is what the contact form, the support queue, the API and the
``triage`` command call. It reads nothing from the database and writes nothing:
the model is loaded once per process, on first use.
"""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass
from typing import Any

from walletdesk.core.embed import EncoderMissing

from .classifier import ModelFileError, TriageModel
from .errors import EmptyText, ModelUnavailable, TextTooLong, UnknownLanguage
from .intent_map import route
from .text import MAX_CHARS, MODEL_CHARS, guess_lang, normalize

LANGS = ("zh-hans", "en")

_lock = threading.Lock()
_model: TriageModel | None = None


@dataclass(frozen=True)
class Triage:
    text: str
    lang: str
    intent: str
    confidence: float
    queue: str
    priority: str
    articles: tuple[str, ...]
    alternatives: tuple[tuple[str, float], ...] = ()

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["articles"] = list(self.articles)
        data["alternatives"] = [{"intent": i, "confidence": c} for i, c in self.alternatives]
        return data


def get_model() -> TriageModel:
    global _model
    if _model is None:
        with _lock:
            if _model is None:
                try:
                    model = TriageModel.load()
                    model.predict(["warm up"])  # loads the encoder now: a missing one fails here
                    _model = model
                except (ModelFileError, EncoderMissing, ImportError) as exc:
                    raise ModelUnavailable(reason=str(exc)) from exc
    return _model


def _check(text: Any, lang: str | None) -> tuple[str, str]:
    if not isinstance(text, str):
        raise EmptyText()
    if len(text) > MAX_CHARS:
        raise TextTooLong(max_chars=MAX_CHARS)
    if lang is not None and lang not in LANGS:
        raise UnknownLanguage(langs=list(LANGS))
    clean = normalize(text)
    if not any(ch.isalnum() for ch in clean):
        raise EmptyText()
    return clean, lang or guess_lang(clean)


def classify(text: str, lang: str | None = None) -> Triage:
    """Triage one message; raises a typed error for empty, oversized or bad input."""
    return classify_many([text], lang)[0]


def classify_many(texts: list[str], lang: str | None = None) -> list[Triage]:
    checked = [_check(text, lang) for text in texts]
    scored = get_model().predict([clean[:MODEL_CHARS] for clean, _ in checked])
    out = []
    for text, (_clean, text_lang), result in zip(texts, checked, scored, strict=True):
        r = route(result.intent)
        out.append(Triage(text=text, lang=text_lang, intent=result.intent, confidence=result.confidence,
                          queue=r.queue, priority=r.priority, articles=r.articles,
                          alternatives=result.ranking[1:]))
    return out
