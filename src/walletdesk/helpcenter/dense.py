"""Dense side of help search: multilingual-e5-small vectors of article passages.

An article's passages are its titles, summaries and body sentences in both languages, plus the
example questions of the tuning split (:mod:`.questions`). A query is embedded once per search
(``walletdesk.core.embed``, kind="query") and an article's dense score is its best cosine.

Passage vectors are stored, not computed at start-up: ``vectors.npz`` (written by
``help_vectors``) holds float16 vectors keyed by a hash of the passage text, and covers the
packaged articles and examples. It names the encoder that made them (``core.encoder.identity``):
vectors of another encoder are not used. A passage that is not there (an article edited in the
admin) is embedded when the index is rebuilt and kept in this process's cache.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from . import markup

STORE = Path(__file__).resolve().parent / "vectors.npz"
MAX_PASSAGE = 300

_lock = threading.Lock()
_cache: dict[str, np.ndarray] = {}
_loaded = False
_SPLIT = re.compile(r"[^。!?！？\n]+[。!?！？]?")
_EN_SENTENCE = re.compile(r"(?<=[.;:])\s+(?=[A-Z(])")


def key(text: str) -> str:
    return hashlib.sha256(("passage: " + text).encode()).hexdigest()[:24]


def sentences(body: str) -> list[str]:
    """The passages of an article body: its sentences (list items, table rows), markup removed."""
    out = []
    for line in markup.plain(body).splitlines():
        line = " ".join(line.replace("|", " ").split()).strip(" -*")
        if len(line) < 6 or set(line) <= set("-: "):
            continue
        parts = _SPLIT.findall(line) if not line.isascii() else _EN_SENTENCE.split(line)
        for part in parts:
            part = part.strip()
            if len(part) >= 6:
                out.append(part[:MAX_PASSAGE])
    return out


def _current(data: Any) -> bool:
    """Whether a stored file's vectors are this encoder's."""
    from walletdesk.core.encoder import identity

    return "encoder" in data.files and str(data["encoder"]) == identity()


def _load_store() -> None:
    global _loaded
    if _loaded:
        return
    if STORE.exists():
        with np.load(STORE, allow_pickle=False) as data:
            if _current(data):
                for k, v in zip(data["keys"].tolist(), data["vectors"].astype(np.float32), strict=True):
                    _cache.setdefault(str(k), v)
    _loaded = True


def stored_keys() -> set[str]:
    """The passages the file holds vectors of, made by this encoder."""
    if not STORE.exists():
        return set()
    with np.load(STORE, allow_pickle=False) as data:
        return {str(k) for k in data["keys"].tolist()} if _current(data) else set()


def passage_vectors(texts: Sequence[str]) -> np.ndarray:
    """Vectors of ``texts`` as passages: stored ones from the file, the rest embedded now."""
    from walletdesk.core.embed import DIM, embed

    with _lock:
        _load_store()
        missing = sorted({t for t in texts if key(t) not in _cache})
    if missing:
        vectors = embed(missing, kind="passage")
        with _lock:
            for text, vector in zip(missing, vectors, strict=True):
                _cache[key(text)] = vector
    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    with _lock:
        return np.stack([_cache[key(t)] for t in texts]).astype(np.float32)


@lru_cache(maxsize=2048)
def query_vector(text: str) -> np.ndarray:
    from walletdesk.core.embed import embed

    vector: np.ndarray = embed([text], kind="query")[0]
    vector.setflags(write=False)
    return vector


def write_store(texts: Iterable[str]) -> int:
    """Write ``vectors.npz`` with the vectors of ``texts`` (embedding the ones not known yet)."""
    unique = sorted(set(texts))
    vectors = passage_vectors(unique)
    keys = np.array([key(t) for t in unique], dtype="U24")
    order = np.argsort(keys)
    from walletdesk.core.encoder import identity

    np.savez_compressed(STORE, keys=keys[order], vectors=vectors[order].astype(np.float16),
                        encoder=np.array(identity()))
    return len(unique)
