"""The encoder that help search and triage share: shape, unit rows, and a text's vector does not
depend on the batch it is in nor on the number of threads (triage retrains byte for byte)."""

from __future__ import annotations

import numpy as np

from walletdesk.core.embed import DIM, embed

TEXTS = ["my card has not arrived", "我的卡丢了怎么办", "我張卡唔見咗", "transfer pending 三天了"]


def test_vectors_are_unit_rows_of_the_right_width() -> None:
    out = embed(TEXTS, kind="query")
    assert out.shape == (len(TEXTS), DIM) and out.dtype == np.float32
    assert np.allclose(np.linalg.norm(out, axis=1), 1.0, atol=1e-4)
    assert embed([], kind="passage").shape == (0, DIM)


def test_a_vector_does_not_depend_on_the_batch_or_the_threads() -> None:
    alone = np.stack([embed([t], kind="query")[0] for t in TEXTS])
    together = embed(TEXTS[::-1], kind="query", threads=2)[::-1]
    assert np.array_equal(alone, together)


def test_query_and_passage_differ_and_related_texts_are_close() -> None:
    q = embed(["lost my card"], kind="query")[0]
    p = embed(["lost my card"], kind="passage")[0]
    assert not np.array_equal(q, p)
    near, far = embed(["我的银行卡丢了", "今天天气很好"], kind="passage")
    assert q @ near > q @ far
