"""The triage model: TF-IDF word and character n-grams plus multilingual-e5-small
sentence embeddings (``walletdesk.core.embed``), scored by a linear SVM, stored in
one small binary file.

File layout (``triage.bin``): the magic line, an 8-byte little-endian header
length, a UTF-8 JSON header (classes, vocabularies, settings, array table),
then the arrays (int8 weights with a scale per class, float32 elsewhere), each
at an offset that is a multiple of 8. Nothing in it depends on the time or the
machine, so two trainings on the same data give the same bytes.

Prediction needs numpy only: the TF-IDF features are computed here exactly as
scikit-learn's ``TfidfVectorizer`` computes them in training (word 1-2-grams of
``\\b\\w\\w+\\b`` tokens, ``char_wb`` n-grams, lowercase, sublinear tf, idf, L2 per
block; a test compares the two), so a process that classifies imports neither
scipy nor scikit-learn, which are needed to train only.
"""

from __future__ import annotations

import json
import math
import re
import struct
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

MAGIC = b"WDTRIAGE/1\n"
TRAINED_DIR = Path(__file__).resolve().parent / "trained"
MODEL_FILE = "triage.bin"
MANIFEST_FILE = "manifest.json"

# texts -> float32 (n, DIM), unit rows
Encoder = Callable[[list[str]], np.ndarray]


def e5_query_encoder(settings: dict[str, Any]) -> Encoder:
    """The shipped encoder: multilingual-e5-small in int8 through ONNX Runtime, "query: "
    prefix (E5's for classification; ``core.encoder``); with the setting ``encoder_layers``,
    through its first layers only."""
    from walletdesk.core.encoder import FULL_LAYERS, e5_query

    return partial(e5_query, layers=int(settings.get("encoder_layers") or FULL_LAYERS))


def embedding_input(text: str, settings: dict[str, Any]) -> str:
    """What the encoder reads of a text: its first ``embedding_max_chars`` characters, then as
    many words as fit in ``embedding_max_tokens`` tokens (the n-grams read the whole text; the
    cost of the forward pass grows with its tokens, so this bounds the latency)."""
    clipped = text[: int(settings["embedding_max_chars"])]
    max_tokens = settings.get("embedding_max_tokens")
    if max_tokens:
        from walletdesk.core.embed import truncate

        clipped = truncate(clipped, int(max_tokens), kind="query")
    return clipped


def embedding_features(encoder: Encoder, texts: list[str], settings: dict[str, Any]) -> np.ndarray:
    """The embedding block of the features, as in training (see :func:`embedding_input`)."""
    emb = np.array(encoder([embedding_input(t, settings) for t in texts]), dtype=np.float32)
    emb *= np.float32(settings["embedding_weight"])
    return emb


class ModelFileError(RuntimeError):
    """The model file is missing, truncated or of another format."""


def write_model(path: Path, meta: dict[str, Any], arrays: dict[str, np.ndarray]) -> None:
    table: dict[str, dict[str, Any]] = {}
    blobs: list[bytes] = []
    offset = 0
    for name in sorted(arrays):
        arr = np.ascontiguousarray(arrays[name])
        data = arr.astype(arr.dtype.newbyteorder("<"), copy=False).tobytes()
        table[name] = {"dtype": arr.dtype.newbyteorder("<").str, "shape": list(arr.shape), "offset": offset}
        pad = (-len(data)) % 8
        blobs.append(data + b"\0" * pad)
        offset += len(data) + pad
    header = json.dumps({"arrays": table, "meta": meta}, sort_keys=True, ensure_ascii=False,
                        separators=(",", ":")).encode("utf-8")
    header += b" " * ((-len(header)) % 8)
    path.write_bytes(MAGIC + struct.pack("<Q", len(header)) + header + b"".join(blobs))


def read_model(path: Path) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ModelFileError(f"cannot read the triage model {path}: {exc}") from exc
    if not raw.startswith(MAGIC) or len(raw) < len(MAGIC) + 8:
        raise ModelFileError(f"{path} is not a triage model file")
    start = len(MAGIC) + 8
    (size,) = struct.unpack("<Q", raw[len(MAGIC) : start])
    header = json.loads(raw[start : start + size])
    base = start + size
    arrays: dict[str, np.ndarray] = {}
    for name, spec in header["arrays"].items():
        dtype = np.dtype(spec["dtype"])
        count = int(np.prod(spec["shape"])) if spec["shape"] else 1
        if base + spec["offset"] + count * dtype.itemsize > len(raw):
            raise ModelFileError(f"{path} is truncated")
        arrays[name] = np.frombuffer(raw, dtype=dtype, count=count, offset=base + spec["offset"]).reshape(
            spec["shape"]
        )
    return header["meta"], arrays


_WORD = re.compile(r"(?u)\b\w\w+\b")  # scikit-learn's default token_pattern
_SPACES = re.compile(r"\s\s+")


def word_ngrams(text: str, ngrams: tuple[int, int]) -> Iterator[str]:
    """scikit-learn's analyzer="word" (lowercase, default token pattern)."""
    tokens = _WORD.findall(text.lower())
    lo, hi = ngrams
    for n in range(lo, hi + 1):
        for i in range(len(tokens) - n + 1):
            yield " ".join(tokens[i : i + n])


def char_wb_ngrams(text: str, ngrams: tuple[int, int]) -> Iterator[str]:
    """scikit-learn's analyzer="char_wb": n-grams inside words padded with a space."""
    lo, hi = ngrams
    for word in _SPACES.sub(" ", text.lower()).split():
        w = f" {word} "
        for n in range(lo, hi + 1):
            yield w[:n]
            for i in range(1, len(w) - n + 1):
                yield w[i : i + n]
            if len(w) <= n:  # the whole (short) word counts once, as in scikit-learn
                break


class Tfidf:
    """The transform of a fitted ``TfidfVectorizer(sublinear_tf=True, norm="l2")``."""

    def __init__(self, grams: Callable[[str, tuple[int, int]], Iterator[str]], ngrams: list[int],
                 vocab: list[str], idf: np.ndarray) -> None:
        self.grams = grams
        self.ngrams = (int(ngrams[0]), int(ngrams[1]))
        self.index = {term: i for i, term in enumerate(vocab)}
        self.idf = idf.astype(np.float64)

    def row(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """Feature indices (sorted) and values of one text."""
        counts = Counter(i for g in self.grams(text, self.ngrams) if (i := self.index.get(g)) is not None)
        if not counts:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
        idx = np.array(sorted(counts), dtype=np.int64)
        values = np.array([1.0 + math.log(counts[i]) for i in idx]) * self.idf[idx]
        return idx, values / np.sqrt(values @ values)


@dataclass(frozen=True)
class Scored:
    intent: str
    confidence: float
    ranking: tuple[tuple[str, float], ...]


class TriageModel:
    """Loaded once per process; :meth:`predict` is read-only and thread-safe."""

    def __init__(self, meta: dict[str, Any], arrays: dict[str, np.ndarray], encoder: Encoder) -> None:
        self.meta = meta
        self.settings = meta["settings"]
        self.classes: list[str] = meta["classes"]
        settings = self.settings
        self.word = Tfidf(word_ngrams, settings["word_ngrams"], meta["word_vocab"], arrays["word_idf"])
        self.char = Tfidf(char_wb_ngrams, settings["char_ngrams"], meta["char_vocab"], arrays["char_idf"])
        coef = arrays["coef_q"].astype(np.float32) * arrays["coef_scale"][:, None]
        n_word, n_char = len(meta["word_vocab"]), len(meta["char_vocab"])
        self.w_text = np.ascontiguousarray(coef[:, : n_word + n_char].T)
        self.w_emb = np.ascontiguousarray(coef[:, n_word + n_char :].T)
        self.intercept = arrays["intercept"].astype(np.float32)
        # With the setting ``first_stage_margin``, a first stage: the n-grams alone (their own
        # SVM), trusted when its two best scores are that far apart.
        self.first: tuple[np.ndarray, np.ndarray, float] | None = None
        if settings.get("first_stage_margin") is not None:
            w_first = arrays["first_coef_q"].astype(np.float32) * arrays["first_coef_scale"][:, None]
            self.first = (np.ascontiguousarray(w_first.T), arrays["first_intercept"].astype(np.float32),
                          float(settings["first_stage_margin"]))
        self.encoder = encoder

    @classmethod
    def load(cls, directory: Path = TRAINED_DIR, encoder: Encoder | None = None) -> TriageModel:
        meta, arrays = read_model(directory / MODEL_FILE)
        return cls(meta, arrays, encoder if encoder is not None else e5_query_encoder(meta["settings"]))

    def _ngrams(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        w_idx, w_val = self.word.row(text)
        c_idx, c_val = self.char.row(text)
        idx = np.concatenate([w_idx, c_idx + len(self.word.index)])
        return idx, np.concatenate([w_val, c_val]).astype(np.float32)

    def scores(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """The decision values of each text, and which texts the first stage (if the model has
        one) answered alone: those whose two best n-gram scores are at least
        ``first_stage_margin`` apart. Only the others go through the encoder, whose embedding
        joins the n-grams in the main SVM."""
        rows = [self._ngrams(text) for text in texts]
        out = np.zeros((len(texts), len(self.classes)), dtype=np.float32)
        alone = np.zeros(len(texts), dtype=bool)
        if self.first is not None:
            w_first, first_intercept, margin = self.first
            for i, (idx, values) in enumerate(rows):
                out[i] = values @ w_first[idx] + first_intercept
            top2 = np.sort(out, axis=1)[:, -2:]
            alone = top2[:, 1] - top2[:, 0] >= margin
        rest = np.flatnonzero(~alone)
        if rest.size:
            second = embedding_features(self.encoder, [texts[i] for i in rest], self.settings) @ self.w_emb
            for row, i in enumerate(rest):
                idx, values = rows[i]
                out[i] = second[row] + self.intercept + values @ self.w_text[idx]
        return out, alone

    def predict(self, texts: list[str], top: int = 3) -> list[Scored]:
        raw, _alone = self.scores(texts)
        z = raw * float(self.settings["confidence_temperature"])
        z = np.exp(z - z.max(axis=1, keepdims=True))
        probs = z / z.sum(axis=1, keepdims=True)
        out = []
        for row in probs:
            order = np.argsort(-row, kind="stable")[:top]
            ranking = tuple((self.classes[i], round(float(row[i]), 4)) for i in order)
            out.append(Scored(ranking[0][0], ranking[0][1], ranking))
        return out
