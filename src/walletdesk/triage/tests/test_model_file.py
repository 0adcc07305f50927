from __future__ import annotations

import json
import os
import platform
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from walletdesk.core import embed
from walletdesk.triage import training
from walletdesk.triage.classifier import (
    MANIFEST_FILE,
    MODEL_FILE,
    TRAINED_DIR,
    Encoder,
    ModelFileError,
    embedding_features,
    read_model,
    write_model,
)
from walletdesk.triage.text import guess_lang, normalize


def test_model_file_round_trip_is_byte_stable(tmp_path: Path) -> None:
    arrays: dict[str, np.ndarray] = {"a": np.arange(5, dtype=np.float32),
                                     "q": np.array([[1, -2], [3, 127]], dtype=np.int8)}
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


def test_the_embedding_block_reads_the_first_characters_and_is_weighted() -> None:
    seen: list[list[str]] = []

    def fake(texts: list[str]) -> np.ndarray:
        seen.append(texts)
        return np.ones((len(texts), 4), dtype=np.float32)

    settings = {"embedding_max_chars": 256, "embedding_weight": 2.0}
    emb = embedding_features(fake, ["卡" * 300, "card"], settings)
    assert seen == [["卡" * 256, "card"]]
    assert emb.dtype == np.float32 and np.all(emb == 2.0)


def test_the_encoder_reads_at_most_the_first_tokens_set_by_the_settings() -> None:
    seen: list[list[str]] = []

    def fake(texts: list[str]) -> np.ndarray:
        seen.append(texts)
        return np.ones((len(texts), 4), dtype=np.float32)

    long = "my card still has not arrived after two weeks and nobody answers my emails at all"
    settings = {"embedding_max_chars": 256, "embedding_max_tokens": 16, "embedding_weight": 1.0}
    embedding_features(fake, [long, "lost card"], settings)
    cut, short = seen[0]
    assert short == "lost card" and long.startswith(cut) and len(cut) < len(long)
    assert embed.token_count(cut, kind="query") <= 16


def _counting(value: float, calls: list[int]) -> Encoder:
    def encoder(texts: list[str]) -> np.ndarray:
        calls.append(len(texts))
        return np.full((len(texts), 384), value, dtype=np.float32)
    return encoder


def test_training_reuses_cached_vectors_only_while_they_match_the_encoder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, settings: Any) -> None:
    settings.TRIAGE_CACHE_DIR = str(tmp_path)
    inputs = [f"message {i}" for i in range(300)]
    calls: list[int] = []
    first, status = training.cached_vectors(_counting(0.5, calls), inputs)
    assert status == "miss" and calls == [256, 44] and training.cache_path(inputs).is_file()
    calls.clear()
    again, status = training.cached_vectors(_counting(0.5, calls), inputs)
    assert status == "hit" and np.array_equal(first, again)
    assert calls == [training.CACHE_SPOT_CHECK]  # only the spot check was embedded
    # Another engine (or weights) that gives other vectors: the file is not trusted.
    calls.clear()
    changed, status = training.cached_vectors(_counting(0.25, calls), inputs)
    assert status == "stale" and np.all(changed == 0.25) and sum(calls) == 300 + training.CACHE_SPOT_CHECK
    training.cache_path(inputs).write_bytes(b"not an array")
    assert training.cached_vectors(_counting(0.25, []), inputs)[1] == "stale"
    # Other inputs (other data or settings) use another file.
    assert training.cache_path(inputs) != training.cache_path(inputs[:-1])


def test_recorded_versions_carry_no_local_build_tag_nor_python_patch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(training, "version", lambda dist: "2.13.0+cpu")
    monkeypatch.setattr(platform, "python_version_tuple", lambda: ("3", "11", "7"))
    versions = training._versions()
    assert versions["python"] == "3.11"
    assert set(versions.values()) == {"3.11", "2.13.0"}


def _shipped(directory: Path, model: bytes, **manifest: object) -> Path:
    directory.mkdir()
    (directory / MODEL_FILE).write_bytes(model)
    base = {"data": {"rows": 1}, "settings": {"C": 0.5}, "encoder_weights_sha256": "e5",
            "model": {"sha256": "m"}, "versions": {"python": "3.11", "numpy": "2.3.5"}}
    (directory / MANIFEST_FILE).write_text(json.dumps({**base, **manifest}), encoding="utf-8")
    return directory


def test_the_check_compares_model_bytes_data_settings_and_encoder_not_versions(tmp_path: Path) -> None:
    shipped = _shipped(tmp_path / "shipped", b"same")
    other_versions = _shipped(tmp_path / "v", b"same", versions={"python": "3.12", "numpy": "2.3.5+local"})
    assert training.differences(shipped, other_versions) == []
    assert training.differences(shipped, _shipped(tmp_path / "b", b"diff"))[0].startswith(MODEL_FILE)
    for key, value in (("data", {"rows": 2}), ("settings", {"C": 1.0}), ("encoder_weights_sha256", "x")):
        found = training.differences(shipped, _shipped(tmp_path / key, b"same", **{key: value}))
        assert found and key in found[0], (key, found)


def test_normalize_and_language_guess() -> None:
    assert normalize("  a\x00b\u200b\n\nc\t") == "ab c"
    assert normalize("ＡＢＣ１２３") == "ABC123"
    assert guess_lang("我的卡") == "zh-hans" and guess_lang("my card") == "en"


def test_the_numpy_tfidf_equals_scikit_learns() -> None:
    from walletdesk.triage.classifier import Tfidf, char_wb_ngrams, word_ngrams
    from walletdesk.triage.training import SETTINGS, make_vectorizers

    train = ["My card hasn't arrived yet!", "我的卡被ATM吞了 怎么办", "a b cd efg",
             "I  was charged twice, twice", "转账 pending 三天了", "Top-up failed: 充值失败", "x",
             "exchange rate EUR→GBP?"]
    probe = [*train, "CARD card card arrived", "卡 卡", "nothing known here zzz", "ab", "a"]
    word, char = make_vectorizers({**SETTINGS, "char_min_df": 1})
    word.fit(train)
    char.fit(train)
    for vec, grams, ngrams in ((word, word_ngrams, SETTINGS["word_ngrams"]),
                               (char, char_wb_ngrams, SETTINGS["char_ngrams"])):
        vocab = [t for t, _ in sorted(vec.vocabulary_.items(), key=lambda kv: kv[1])]
        ours = Tfidf(grams, ngrams, vocab, vec.idf_)
        theirs = vec.transform(probe).toarray()
        for row, text in enumerate(probe):
            dense = np.zeros(len(vocab))
            idx, values = ours.row(text)
            dense[idx] = values
            assert np.allclose(dense, theirs[row], atol=1e-12), text


def _copy_model(src: Path, dst: Path, cpu: str, change: str = "") -> Path:
    """The shipped model and manifest, said to come from ``cpu``; ``change`` "last bits" nudges
    every weight's scale by one part in 10⁵ (what another CPU's rounding does), "shuffled" gives
    the intents each other's weights (a different model)."""
    dst.mkdir()
    meta, arrays = read_model(src / MODEL_FILE)
    if change == "last bits":
        arrays = {**arrays, "coef_scale": arrays["coef_scale"] * np.float32(1.00001)}
    elif change == "shuffled":
        arrays = {**arrays, "coef_q": np.roll(arrays["coef_q"], 1, axis=0),
                  "coef_scale": np.roll(arrays["coef_scale"], 1),
                  "intercept": np.roll(arrays["intercept"], 1)}
    write_model(dst / MODEL_FILE, meta, arrays)
    manifest = json.loads((src / MANIFEST_FILE).read_text(encoding="utf-8"))
    manifest["encoder_cpu"] = cpu
    (dst / MANIFEST_FILE).write_text(json.dumps(manifest), encoding="utf-8")
    return dst


def test_on_another_processor_the_check_compares_predictions_not_bytes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same inputs embedded on another CPU give a model a few last bits apart: it passes
    (with a note) when it picks the shipped model's intents, and fails when it does not; on
    the same CPU the bytes must match exactly."""
    if not (training.dataset_dir() / "test.csv").is_file():
        if os.environ.get("CI") == "true":
            pytest.fail(f"BANKING77 not found at {training.dataset_dir()}")
        pytest.skip("BANKING77 not found")
    monkeypatch.setattr(training, "AGREEMENT_SAMPLE", 40)
    here = training.cpu_identity()
    shipped = _copy_model(TRAINED_DIR, tmp_path / "shipped", "AuthenticAMD | EPYC | avx,avx2")
    near = _copy_model(TRAINED_DIR, tmp_path / "near", here, "last bits")
    far = _copy_model(TRAINED_DIR, tmp_path / "far", here, "shuffled")
    notes: list[str] = []
    assert training.differences(shipped, near, notes) == []
    assert len(notes) == 1 and "agrees on 100.0%" in notes[0]
    found = training.differences(shipped, far)
    assert found and "another processor" in found[0]
    same_cpu = _copy_model(TRAINED_DIR, tmp_path / "same", here)
    assert training.differences(same_cpu, near)[0].startswith(MODEL_FILE)  # bytes, no leniency


def test_training_records_the_hash_of_the_encoders_graph_and_weights() -> None:
    from walletdesk.core.encoder import encoder

    assert encoder().graph_sha256 == training.encoder_graph_sha256()


def _hashed(texts: list[str]) -> np.ndarray:
    """A stand-in encoder: a unit vector per text from its bytes."""
    out = np.array([np.random.default_rng(list(t.encode("utf-8")) or [0]).normal(size=384) for t in texts],
                   dtype=np.float32).reshape(len(texts), 384)
    return out / np.linalg.norm(out, axis=1, keepdims=True)


def test_a_first_stage_answers_wide_margins_alone_and_sends_only_the_rest_to_the_encoder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from walletdesk.core.encoder import e5_query
    from walletdesk.triage.classifier import TriageModel

    data = tmp_path / "banking77"
    data.mkdir()
    rows = [(f"{verb} my {thing} please {n}", f"{verb}_{thing}") for verb in ("cancel", "order", "freeze")
            for thing in ("card", "transfer") for n in range(6)]
    with (data / "train.csv").open("w", encoding="utf-8", newline="") as fh:
        fh.write("text,category\n" + "".join(f"{text},{label}\n" for text, label in rows))
    monkeypatch.setattr(training, "SETTINGS",
                        {**training.SETTINGS, "first_stage_margin": 0.5, "encoder_layers": 6})
    training.train(tmp_path / "model", directory=data, encoder=_hashed, cache=False)
    seen: list[str] = []

    def encoder(texts: list[str]) -> np.ndarray:
        seen.extend(texts)
        return _hashed(texts)

    model = TriageModel.load(tmp_path / "model", encoder=encoder)
    probes = ["cancel my card please", "freeze my transfer please 3", "my", "order card transfer freeze",
              "我的卡被ATM吞了", "zzz"]
    raw, alone = model.scores(probes)
    assert alone.any() and not alone.all()
    assert seen == [p for p, a in zip(probes, alone, strict=True) if not a]  # only those, once each
    assert model.first is not None
    w_first, intercept, margin = model.first
    for i, probe in enumerate(probes):  # the n-grams' own SVM decides who is answered alone
        idx, values = model._ngrams(probe)
        first = values @ w_first[idx] + intercept
        top2 = np.sort(first)[-2:]
        assert alone[i] == (top2[1] - top2[0] >= margin)
        if alone[i]:
            assert np.allclose(raw[i], first)
    # Without the first stage every message goes through the encoder, and the messages the
    # encoder saw score the same as before.
    model.first = None
    seen.clear()
    both, alone_now = model.scores(probes)
    assert seen == probes and not alone_now.any()
    assert np.allclose(both[~alone], raw[~alone])
    # The setting picks the layer-cut encoder when the model is loaded without an encoder.
    loaded = TriageModel.load(tmp_path / "model")
    assert loaded.encoder(["cancel my card"]).tobytes() == e5_query(["cancel my card"], layers=6).tobytes()
