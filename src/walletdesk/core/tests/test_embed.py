"""The encoder that help search and triage share: shape, unit rows, and a text's vector does not
depend on the batch it is in (triage retrains byte for byte)."""

from __future__ import annotations

import numpy as np
import pytest

from walletdesk.core.embed import DIM, embed, token_count, truncate

TEXTS = ["my card has not arrived", "我的卡丢了怎么办", "我張卡唔見咗", "transfer pending 三天了"]


def test_vectors_are_unit_rows_of_the_right_width() -> None:
    out = embed(TEXTS, kind="query")
    assert out.shape == (len(TEXTS), DIM) and out.dtype == np.float32
    assert np.allclose(np.linalg.norm(out, axis=1), 1.0, atol=1e-4)
    assert embed([], kind="passage").shape == (0, DIM)


def test_a_vector_does_not_depend_on_the_batch() -> None:
    alone = np.stack([embed([t], kind="query")[0] for t in TEXTS])
    together = embed(TEXTS[::-1], kind="query")[::-1]
    assert np.array_equal(alone, together)


def test_query_and_passage_differ_and_related_texts_are_close() -> None:
    q = embed(["lost my card"], kind="query")[0]
    p = embed(["lost my card"], kind="passage")[0]
    assert not np.array_equal(q, p)
    near, far = embed(["我的银行卡丢了", "今天天气很好"], kind="passage")
    assert q @ near > q @ far


@pytest.mark.parametrize("text", [
    "I have been waiting for my new card for two weeks now and it still has not arrived, why?",
    "我的卡两个星期了还没有寄到，到底怎么回事，可以帮我查一下吗",
    "transfer 转账 pending 三天了 still nothing arrived in my friend's account",
    "supercalifragilisticexpialidocious" * 4,
])
def test_truncate_keeps_the_longest_beginning_within_the_token_budget(text: str) -> None:
    cut = truncate(text, 16, kind="query")
    assert text.startswith(cut) and cut and token_count(cut, kind="query") <= 16
    if " " in text:  # the next word would not fit
        following = text.find(" ", len(cut) + 1)
        longer = text if following < 0 else text[:following]
    else:  # the next character would not fit
        longer = text[: len(cut) + 1]
    assert token_count(longer, kind="query") > 16


def test_a_text_within_the_budget_is_left_as_it_is() -> None:
    for text in ("lost my card", "我的卡丢了"):
        assert truncate(text, 16, kind="query") == text
    assert token_count("lost my card", kind="query") < token_count("lost my card please", kind="query")
