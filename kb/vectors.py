"""A generation's record vectors (the semantic layer): one L2-normalised row per live document,
written into the generation folder before it is published, so vectors and index are always of
the same build; and the nearest-neighbour scan over them.

Files: `vectors.npy` (float16, rows in `docnums` order), `vectors.json` (the model that made
them, its dimension, the docnums). numpy is imported only where vectors are used.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

MATRIX = "vectors.npy"
META = "vectors.json"
FILES = (MATRIX, META)


def write(folder: Path, docnums: Sequence[int], matrix: np.ndarray, model_id: str) -> None:
    """Store the vectors of `docnums` (one row each) in a generation folder being built."""
    import numpy as np

    matrix = np.asarray(matrix, dtype=np.float16)
    if matrix.shape[0] != len(docnums):
        raise ValueError(f"{matrix.shape[0]} vectors for {len(docnums)} documents")
    with open(folder / MATRIX, "wb") as fh:
        np.save(fh, matrix)
    meta = {"model": model_id, "dim": int(matrix.shape[1]) if matrix.ndim == 2 else 0, "docnums": list(docnums)}
    (folder / META).write_text(json.dumps(meta), encoding="utf-8")


def meta(folder: Path) -> dict[str, Any] | None:
    """What `vectors.json` says, or None when the generation has no vectors."""
    try:
        return json.loads((folder / META).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


class Vectors:
    """The vectors of one generation, in memory as float32 (a brute-force scan is a matrix-vector
    product: about 80,000 × 384 in a few milliseconds)."""

    def __init__(self, folder: Path) -> None:
        import numpy as np

        info = meta(folder)
        if info is None:
            raise FileNotFoundError(folder / META)
        self.model_id: str = info["model"]
        self.docnums = np.asarray(info["docnums"], dtype=np.int64)
        self.matrix = np.load(folder / MATRIX).astype(np.float32)
        self.row = {int(d): i for i, d in enumerate(self.docnums)}

    def __len__(self) -> int:
        return len(self.docnums)

    def nearest(
        self, query: np.ndarray, k: int, accept: Callable[[int], bool] | None = None
    ) -> list[tuple[int, float]]:
        """The `k` documents most similar to `query` (cosine), best first, ties by docnum:
        (docnum, similarity). Only docnums for which `accept` is true count."""
        if k <= 0 or not len(self.docnums):
            return []
        return _top(self.matrix @ query, self.docnums, k, accept)


def _top(sims, docs, k: int, accept: Callable[[int], bool] | None) -> list[tuple[int, float]]:
    """The best `k` of `sims` whose doc is accepted: the top of a partial sort, widened until
    enough of it is accepted."""
    import numpy as np

    n = len(sims)
    if n == 0:
        return []
    take = min(n, k if accept is None else max(4 * k, 256))
    while True:
        top = np.argpartition(-sims, take - 1)[:take] if take < n else np.arange(n)
        top = top[np.lexsort((docs[top], -sims[top]))]
        picked = [(int(docs[i]), float(sims[i])) for i in top if accept is None or accept(int(docs[i]))]
        if len(picked) >= k or take >= n:
            return picked[:k]
        take = min(n, take * 4)
