"""Embedding a generation's records for the semantic layer, through a cache keyed by content.

The cache (`embedding_cache`, an SQLite file in the data folder) maps a hash of the model and
the passage text to its vector, so a record is embedded once per model and text: a full rebuild
after a code change, or a reindex killed half-way, embeds only records never seen before. The
vectors of every live document are written into the generation folder before it is published
(kb.vectors), so they always belong to the same build as the index.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable, Iterable
from pathlib import Path

from whoosh import index as whoosh_index

from kb import vectors
from kb.embedding import Embedder, passage_text

#: Records embedded per engine batch and per cache commit (a kill loses at most one batch).
BATCH = 32
EmbedProgress = Callable[[int, int], None]


class EmbeddingCache:
    """key → float16 vector bytes, in one SQLite file (safe against a kill mid-write)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._db = sqlite3.connect(str(path), timeout=30)
        self._db.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vector BLOB NOT NULL)")
        self._db.commit()

    def get(self, keys: Iterable[str]) -> dict[str, bytes]:
        keys = list(dict.fromkeys(keys))
        found: dict[str, bytes] = {}
        for start in range(0, len(keys), 500):  # SQLite's bound-parameter limit
            chunk = keys[start : start + 500]
            marks = ",".join("?" * len(chunk))
            found.update(self._db.execute(f"SELECT key, vector FROM vectors WHERE key IN ({marks})", chunk))
        return found

    def put(self, items: dict[str, bytes]) -> None:
        with self._db:
            self._db.executemany("INSERT OR REPLACE INTO vectors (key, vector) VALUES (?, ?)", items.items())

    def __len__(self) -> int:
        return self._db.execute("SELECT COUNT(*) FROM vectors").fetchone()[0]

    def close(self) -> None:
        self._db.close()


def cache_key(model_id: str, text: str) -> str:
    return hashlib.sha256(f"{model_id}\0{text}".encode()).hexdigest()


def embed_generation(
    folder: Path, embedder: Embedder, cache: EmbeddingCache, progress: EmbedProgress | None = None
) -> int:
    """Write the vectors of every live document of the committed index in `folder`; returns how
    many records had to be embedded (the rest came from the cache)."""
    import numpy as np

    ix = whoosh_index.open_dir(str(folder))
    with ix.searcher() as searcher:
        reader = searcher.reader()
        docnums = [n for n in range(reader.doc_count_all()) if not reader.is_deleted(n)]
        texts = [passage_text(searcher.stored_fields(n)["record"]) for n in docnums]
    keys = [cache_key(embedder.model_id, t) for t in texts]
    known = cache.get(keys)
    todo = list(dict.fromkeys(k for k in keys if k not in known))
    text_of = dict(zip(keys, texts, strict=True))
    for start in range(0, len(todo), BATCH):
        if progress:
            progress(start, len(todo))
        batch = todo[start : start + BATCH]
        made = embedder.passages([text_of[k] for k in batch]).astype(np.float16)
        fresh = {k: row.tobytes() for k, row in zip(batch, made, strict=True)}
        cache.put(fresh)
        known.update(fresh)
    if progress and todo:
        progress(len(todo), len(todo))
    dim = embedder.dim
    matrix = np.zeros((len(keys), dim), dtype=np.float16)
    for i, key in enumerate(keys):
        matrix[i] = np.frombuffer(known[key], dtype=np.float16, count=dim)
    vectors.write(folder, docnums, matrix, embedder.model_id)
    return len(todo)
