"""``bench_triage``: accuracy on BANKING77 test.csv, latency per message and the
memory of a process that classifies one message.

test.csv is read here only, to measure; nothing is fitted or chosen on it. The
baseline in the same run is TF-IDF alone (same n-grams, same SVM, no embedding),
trained on train.csv.
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from . import services
from .text import MODEL_CHARS, normalize
from .training import SETTINGS, load_banking77, make_vectorizers, training_libraries, training_rows


def _latency(fn: Callable[[str], Any], texts: list[str]) -> dict[str, float]:
    """Wall time per message, and the CPU time this process spent on it (every thread, should
    an encoder use more than one): on a shared machine the first includes waiting for a core,
    the second does not."""
    for text in texts[:20]:
        fn(text)
    wall, cpu = [], []
    for text in texts:
        start, start_cpu = time.perf_counter(), time.process_time()
        fn(text)
        cpu.append((time.process_time() - start_cpu) * 1000)
        wall.append((time.perf_counter() - start) * 1000)

    def pct(values: list[float], q: float) -> float:
        return round(float(np.percentile(values, q)), 2)

    return {"p50_ms": pct(wall, 50), "p95_ms": pct(wall, 95), "p99_ms": pct(wall, 99),
            "mean_ms": round(float(np.mean(wall)), 2), "cpu_p50_ms": pct(cpu, 50),
            "cpu_p95_ms": pct(cpu, 95), "cpu_p99_ms": pct(cpu, 99), "messages": len(wall)}


def _machine() -> dict[str, Any]:
    cpu = ""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            cpu = next((line.split(":", 1)[1].strip() for line in fh if line.startswith("model name")), "")
    except OSError:
        pass
    return {"cores": os.cpu_count(), "cpu": cpu, "python": platform.python_version(),
            "load_average_1m": round(os.getloadavg()[0], 2), "blas_threads": 1}


def _baseline(test_texts: list[str], test_labels: np.ndarray, sample: list[str]) -> dict[str, Any]:
    sp, LinearSVC, _ = training_libraries()
    rows = training_rows()
    word, char = make_vectorizers(SETTINGS)
    texts = [t for t, _ in rows]
    x = sp.hstack([word.fit_transform(texts), char.fit_transform(texts)]).tocsr()
    svm = LinearSVC(C=SETTINGS["C"], max_iter=SETTINGS["max_iter"], random_state=0)
    svm.fit(x, [r[1] for r in rows])

    def predict(batch: list[str]) -> np.ndarray:
        labels: np.ndarray = svm.predict(sp.hstack([word.transform(batch), char.transform(batch)]).tocsr())
        return labels

    accuracy = float((predict(test_texts) == test_labels).mean())
    return {"model": "TF-IDF word 1-2 + char_wb 2-5 grams, LinearSVC (no embedding)",
            "accuracy": round(accuracy, 4), "latency": _latency(lambda t: predict([t]), sample)}


# The settings that bound the encoder's cost (None: off; docs/triage.md).
BOUNDS = ("embedding_max_chars", "embedding_max_tokens", "encoder_layers", "first_stage_margin")


# The child reports its own peak (VmHWM of its image): ru_maxrss from wait4 would also count
# the benchmark process it was forked from, which Linux carries over across exec.
ONE_MESSAGE = """
from walletdesk.triage import services
intent = services.classify({text!r}).intent
try:
    with open("/proc/self/status") as fh:
        print(next(line.split()[1] for line in fh if line.startswith("VmHWM:")))
except (OSError, StopIteration):
    print(-1)
print(intent)
"""


def one_message_process(text: str = "我的卡被ATM吞了，怎么办") -> dict[str, Any]:
    """A fresh Python process that loads the model and classifies one message: its peak
    resident memory (VmHWM; ru_maxrss from wait4 where /proc is missing) and its wall time."""
    env = dict(os.environ)
    src = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (src, env.get("PYTHONPATH", "")) if p)
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen([sys.executable, "-c", ONE_MESSAGE.format(text=text)],
                                stdout=out, stderr=err, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        printed, error = out.read().decode().strip().splitlines(), err.read().decode()
        intent = printed[-1] if printed else ""  # the last lines: a library may print before
        hwm_kb = int(printed[-2]) if len(printed) >= 2 and printed[-2].lstrip("-").isdigit() else -1
    peak_kb = hwm_kb if hwm_kb > 0 else usage.ru_maxrss
    return {"max_rss_mb": round(peak_kb / 1024, 1), "wall_s": round(seconds, 2),
            "intent": intent, "exit_code": proc.returncode, "printed_lines": len(printed),
            **({"stderr": error[-500:]} if proc.returncode else {})}


def run(latency_messages: int = 500, baseline: bool = True) -> dict[str, Any]:
    test = load_banking77("test")
    texts = [normalize(t)[:MODEL_CHARS] for t, _ in test]
    labels = np.array([label for _, label in test])
    report: dict[str, Any] = {"machine": _machine(), "dataset": "BANKING77 test.csv", "examples": len(test)}
    _, _, threadpool_limits = training_libraries()
    with threadpool_limits(limits=1):
        started = time.perf_counter()
        model = services.get_model()
        report["model_load_s"] = round(time.perf_counter() - started, 2)
        raw, alone = model.scores(texts)
        predicted = np.array(model.classes)[raw.argmax(axis=1)]
        sample = [t for t, _ in test[:latency_messages]]
        report["model"] = {
            "name": ("TF-IDF word+char n-grams + multilingual-e5-small embeddings (int8, ONNX Runtime), "
                     "LinearSVC (int8 weights)"),
            "settings": {key: model.settings.get(key) for key in BOUNDS},
            "accuracy": round(float((predicted == labels).mean()), 4),
            "first_stage_alone": round(float(alone.mean()), 4),
            "latency_single_message": _latency(services.classify, sample),
        }
        if baseline:
            report["baseline"] = _baseline(texts, labels, sample)
    report["one_message_process"] = one_message_process()
    report["machine"]["load_average_1m_end"] = round(os.getloadavg()[0], 2)
    report["targets"] = {"accuracy": 0.94, "p99_ms": 20, "max_rss_mb": 300}
    return report
