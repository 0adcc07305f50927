from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from walletdesk.triage.classifier import ModelFileError, read_model, write_model
from walletdesk.triage.encoder import WordPiece, model_dir
from walletdesk.triage.text import guess_lang, normalize


def test_model_file_round_trip_is_byte_stable(tmp_path: Path) -> None:
    arrays = {"a": np.arange(5, dtype=np.float32), "q": np.array([[1, -2], [3, 127]], dtype=np.int8)}
    meta = {"classes": ["x", "y"], "vocab": ["卡", "card"]}
    write_model(tmp_path / "one.bin", meta, arrays)
    write_model(tmp_path / "two.bin", meta, dict(reversed(list(arrays.items()))))
    assert (tmp_path / "one.bin").read_bytes() == (tmp_path / "two.bin").read_bytes()
    got_meta, got = read_model(tmp_path / "one.bin")
    assert got_meta == meta
    assert np.array_equal(got["q"], arrays["q"]) and got["q"].dtype == np.int8


def test_missing_or_foreign_or_truncated_files_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ModelFileError):
        read_model(tmp_path / "nope.bin")
    (tmp_path / "foreign.bin").write_bytes(b"PK\x03\x04 not ours")
    with pytest.raises(ModelFileError):
        read_model(tmp_path / "foreign.bin")
    write_model(tmp_path / "ok.bin", {}, {"a": np.zeros(100, dtype=np.float32)})
    (tmp_path / "cut.bin").write_bytes((tmp_path / "ok.bin").read_bytes()[:-50])
    with pytest.raises(ModelFileError):
        read_model(tmp_path / "cut.bin")


def test_wordpiece_splits_chinese_characters_and_punctuation() -> None:
    tok = WordPiece(model_dir() / "vocab.txt")
    ids = tok.encode("Hello, 我的卡!")
    words = {v: k for k, v in tok.vocab.items()}
    # all-MiniLM's English vocabulary knows 我 and 的 but not 卡: each CJK character is its own word
    assert [words[i] for i in ids] == ["[CLS]", "hello", ",", "我", "的", "[UNK]", "!", "[SEP]"]
    assert len(tok.encode("word " * 1000, max_tokens=32)) == 32


def test_normalize_and_language_guess() -> None:
    assert normalize("  a\x00b\u200b\n\nc\t") == "ab c"
    assert normalize("ＡＢＣ１２３") == "ABC123"
    assert guess_lang("我的卡") == "zh-hans" and guess_lang("my card") == "en"
