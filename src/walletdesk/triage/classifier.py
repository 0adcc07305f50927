"""The triage model: TF-IDF word and character n-grams plus multilingual-e5-small
sentence embeddings (``walletdesk.core.embed``), scored by a linear SVM, stored in
one small binary file.

File layout (``triage.bin``): the magic line, an 8-byte little-endian header
length, a UTF-8 JSON header (classes, vocabularies, settings, array table),
then the arrays (int8 weights with a scale per class, float32 elsewhere), each
at an offset that is a multiple of 8. Nothing in it depends on the time or the
machine, so two trainings on the same data give the same bytes.
"""

from __future__ import annotations

import json
import struct
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer

MAGIC = b"WDTRIAGE/1\n"
TRAINED_DIR = Path(__file__).resolve().parent / "trained"
MODEL_FILE = "triage.bin"
MANIFEST_FILE = "manifest.json"

# texts -> float32 (n, DIM), unit rows
Encoder = Callable[[list[str]], np.ndarray]


def e5_query_encoder(texts: list[str]) -> np.ndarray:
    """The shipped encoder: multilingual-e5-small, 4-bit, "query: " prefix (E5's for classification)."""
    from walletdesk.core.embed import embed

    return embed(texts, kind="query")


def embedding_features(encoder: Encoder, texts: list[str], settings: dict[str, Any]) -> np.ndarray:
    """The embedding block of the features, as in training: the first ``embedding_max_chars``
    characters of each text (the n-grams read the whole text; this bounds the latency)."""
    limit = int(settings["embedding_max_chars"])
    emb = np.array(encoder([t[:limit] for t in texts]), dtype=np.float32)
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


def make_vectorizers(settings: dict[str, Any]) -> tuple[TfidfVectorizer, TfidfVectorizer]:
    word = TfidfVectorizer(
        analyzer="word", ngram_range=tuple(settings["word_ngrams"]), sublinear_tf=True,
        min_df=settings["word_min_df"], dtype=np.float64,
    )
    char = TfidfVectorizer(
        analyzer="char_wb", ngram_range=tuple(settings["char_ngrams"]), sublinear_tf=True,
        min_df=settings["char_min_df"], dtype=np.float64,
    )
    return word, char


def _fitted(vec: TfidfVectorizer, vocab: list[str], idf: np.ndarray) -> TfidfVectorizer:
    vec.set_params(vocabulary={term: i for i, term in enumerate(vocab)})
    vec.fit([" ".join(vocab[:1]) or "x"])  # builds the analyzer with the fixed vocabulary
    vec.idf_ = idf.astype(np.float64)
    return vec


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
        word, char = make_vectorizers(self.settings)
        self.word = _fitted(word, meta["word_vocab"], arrays["word_idf"])
        self.char = _fitted(char, meta["char_vocab"], arrays["char_idf"])
        coef = arrays["coef_q"].astype(np.float32) * arrays["coef_scale"][:, None]
        n_word, n_char = len(meta["word_vocab"]), len(meta["char_vocab"])
        self.w_text = np.ascontiguousarray(coef[:, : n_word + n_char].T)
        self.w_emb = np.ascontiguousarray(coef[:, n_word + n_char :].T)
        self.intercept = arrays["intercept"].astype(np.float32)
        self.encoder = encoder

    @classmethod
    def load(cls, directory: Path = TRAINED_DIR, encoder: Encoder | None = None) -> TriageModel:
        meta, arrays = read_model(directory / MODEL_FILE)
        return cls(meta, arrays, encoder if encoder is not None else e5_query_encoder)

    def scores(self, texts: list[str]) -> np.ndarray:
        # float32 like the weights: a float64 matrix would make scipy copy all the weights per call
        text = sp.hstack([self.word.transform(texts), self.char.transform(texts)]).tocsr().astype(np.float32)
        emb = embedding_features(self.encoder, texts, self.settings)
        return np.asarray(text @ self.w_text) + emb @ self.w_emb + self.intercept

    def predict(self, texts: list[str], top: int = 3) -> list[Scored]:
        raw = self.scores(texts)
        z = raw * float(self.settings["confidence_temperature"])
        z = np.exp(z - z.max(axis=1, keepdims=True))
        probs = z / z.sum(axis=1, keepdims=True)
        out = []
        for row in probs:
            order = np.argsort(-row, kind="stable")[:top]
            ranking = tuple((self.classes[i], round(float(row[i]), 4)) for i in order)
            out.append(Scored(ranking[0][0], ranking[0][1], ranking))
        return out
