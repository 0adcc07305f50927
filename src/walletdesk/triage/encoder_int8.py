"""all-MiniLM-L6-v2 with int8 linear layers (torch dynamic quantization, CPU).

The same network as :class:`walletdesk.triage.encoder.MiniLM` (same weights
file, same tokenizer, same pooling) with its 36 linear layers quantized to
int8: about three times less CPU per message here than float32. Dynamic
quantization picks the activation scale from the whole input tensor, so texts
are always encoded one at a time: a text gets the same vector in training and
in service whatever else is being encoded. Torch runs on one thread.
"""

from __future__ import annotations

import warnings
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from .encoder import MAX_TOKENS, WordPiece, model_dir, read_safetensors

_HEADS = 12


def _build(path: Path) -> Any:
    import torch
    from torch import nn

    torch.set_num_threads(1)
    t = {k: torch.from_numpy(v.copy()) for k, v in read_safetensors(path / "model.safetensors").items()}

    def linear(prefix: str) -> nn.Linear:
        weight = t[prefix + ".weight"]
        layer = nn.Linear(weight.shape[1], weight.shape[0])
        layer.weight.data.copy_(weight)
        layer.bias.data.copy_(t[prefix + ".bias"])
        return layer

    def norm(prefix: str) -> nn.LayerNorm:
        layer = nn.LayerNorm(t[prefix + ".weight"].shape[0], eps=1e-12)
        layer.weight.data.copy_(t[prefix + ".weight"])
        layer.bias.data.copy_(t[prefix + ".bias"])
        return layer

    class Layer(nn.Module):
        def __init__(self, p: str) -> None:
            super().__init__()
            self.q, self.k, self.v = (linear(p + f"attention.self.{n}") for n in ("query", "key", "value"))
            self.o = linear(p + "attention.output.dense")
            self.ln1 = norm(p + "attention.output.LayerNorm")
            self.i = linear(p + "intermediate.dense")
            self.f = linear(p + "output.dense")
            self.ln2 = norm(p + "output.LayerNorm")

        def forward(self, x: Any) -> Any:
            length = x.shape[0]
            q, k, v = (m(x).view(length, _HEADS, -1).transpose(0, 1) for m in (self.q, self.k, self.v))
            att = torch.softmax(q @ k.transpose(1, 2) / (q.shape[-1] ** 0.5), dim=-1)
            ctx = (att @ v).transpose(0, 1).reshape(length, -1)
            x = self.ln1(x + self.o(ctx))
            return self.ln2(x + self.f(nn.functional.gelu(self.i(x), approximate="tanh")))

    class Encoder(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.word = t["embeddings.word_embeddings.weight"]
            self.pos = t["embeddings.position_embeddings.weight"]
            self.type0 = t["embeddings.token_type_embeddings.weight"][0]
            self.ln = norm("embeddings.LayerNorm")
            self.layers = nn.ModuleList(Layer(f"encoder.layer.{i}.") for i in range(6))

        def forward(self, ids: Any) -> Any:
            x = self.ln(self.word[ids] + self.pos[: ids.shape[0]] + self.type0)
            for layer in self.layers:
                x = layer(x)
            x = x.mean(0)
            return x / x.norm().clamp_min(1e-12)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return torch.ao.quantization.quantize_dynamic(Encoder().eval(), {nn.Linear}, dtype=torch.qint8)


class MiniLMInt8:
    """``encode(texts) -> float32 array (n, 384)``, one text at a time, unit length rows."""

    def __init__(self, path: Path | None = None) -> None:
        path = path or model_dir()
        self.tokenizer = WordPiece(path / "vocab.txt")
        self.net = _build(path)

    def encode(self, texts: list[str], batch_size: int = 1, max_tokens: int = MAX_TOKENS) -> np.ndarray:
        import torch

        out = np.zeros((len(texts), 384), dtype=np.float32)
        with torch.inference_mode():
            for row, text in enumerate(texts):
                ids = torch.tensor(self.tokenizer.encode(text, max_tokens), dtype=torch.long)
                out[row] = self.net(ids).numpy()
        return out


@lru_cache(maxsize=1)
def default_int8_encoder() -> MiniLMInt8:
    return MiniLMInt8()


def encoder_for(impl: str) -> Any:
    """The encoder a model was trained with (its ``settings["encoder_impl"]``)."""
    if impl == "torch-int8":
        return default_int8_encoder()
    if impl == "numpy-fp32":
        from .encoder import default_encoder

        return default_encoder()
    raise ValueError(f"unknown encoder {impl!r}")
