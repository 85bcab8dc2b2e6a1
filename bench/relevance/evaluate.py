"""The judged relevance benchmark: run every query of the judged sets against the search core and
report, per query class, success@1/@3/@10, MRR, recall@50, nDCG@10, the zero-result rate and
p50/p95 latency.

    python bench/relevance/evaluate.py [--index DIR | --archive DIR] [--split dev|test|all]
                                       [--sets queries,paraphrase] [--show-failures] [--json FILE]
                                       [--semantic [--modes lexical,semantic,hybrid]]

Without --index it builds a fresh index of the archive (`../shared/archive` beside the checkout,
or KB_BENCH_ARCHIVE) in a temporary folder. Judgements name items by date + url + title, so
no archive text is stored here. Metrics:
- success@k: a grade-2 item is in the first k results (known, descriptive, paraphrase);
- MRR: 1 / rank of the first grade-2 item (0 when not in the first 50);
- recall@50: the share of grade-2 items in the first 50, capped (divided by min(#relevant, 50));
- nDCG@10: graded gains 2^g - 1 over the judged items;
- zero: the share of queries answered with no result (the goal for negatives is 100%).

With --semantic the index is built with the semantic layer on (embeddings cached in
bench/out/embedding-cache.sqlite, so only the first run embeds the archive) and every query runs
in each mode: lexical (the search core with fusion off), semantic (the nearest records alone, by
cosine similarity: the model on its own) and hybrid (the search core as readers get it).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
SETS = {"queries": HERE / "queries.yaml", "paraphrase": HERE / "paraphrase.yaml", "fresh": HERE / "fresh.yaml"}
DEPTH = 50
CLASSES = ("known", "descriptive", "topic", "paraphrase", "negative")


@dataclass
class Judged:
    id: str
    cls: str
    lang: str
    split: str
    q: str
    grades: dict[str, int]  # record id -> grade


@dataclass
class Outcome:
    query: Judged
    ranked: list[str]
    total: int
    seconds: float
    metrics: dict[str, float] = field(default_factory=dict)


def load_judged(handle, names=("queries",)) -> list[Judged]:
    """The judged queries of the named sets, their item references resolved to record ids."""
    resolve = _resolver(handle)
    out = []
    for name in names:
        path = SETS[name]
        if not path.exists():
            continue
        for q in yaml.safe_load(path.read_text(encoding="utf-8"))["queries"]:
            grades = {resolve(ref): int(ref.get("grade", 2)) for ref in q.get("relevant") or []}
            out.append(Judged(q["id"], q["class"], q.get("lang", ""), q.get("split", "dev"), str(q["q"]), grades))
    return out


def _resolver(handle):
    view = handle.view()
    records = [view.record(d) for d in view.live]
    by_url: dict[tuple[str, str], list[dict]] = {}
    by_title: dict[tuple[str, str], list[dict]] = {}
    by_date: dict[str, list[dict]] = {}
    for r in records:
        by_url.setdefault((r["date"], r["url"]), []).append(r)
        by_title.setdefault((r["date"], r["title"]), []).append(r)
        by_date.setdefault(r["date"], []).append(r)

    def resolve(ref: dict) -> str:
        date = str(ref["date"])
        found = by_url.get((date, ref.get("url") or ""), []) if ref.get("url") else []
        if len(found) != 1:
            found = [r for r in (found or by_title.get((date, ref.get("title", "")), [])) if r["title"] == ref["title"]]
        if not found:  # a warm-up title keeps its `公司：` prefix now; references were made without it
            found = [
                r for r in by_date.get(date, []) if r["section"] == "warmup" and _prefixed(r["title"], ref["title"])
            ]
        if len(found) != 1:
            raise LookupError(f"judged item not found once in the index: {ref}")
        return found[0]["id"]

    return resolve


def _prefixed(title: str, tail: str) -> bool:
    """`title` is `tail` after a short `公司：` prefix."""
    head = title[: len(title) - len(tail)].rstrip()
    return bool(tail) and title.endswith(tail) and 0 < len(head) <= 30 and head[-1] in "：:，"


MODES = ("lexical", "semantic", "hybrid")
CACHE = ROOT / "bench" / "out" / "embedding-cache.sqlite"


def run_queries(handle, judged: list[Judged], mode: str = "hybrid") -> list[Outcome]:
    """Each query in `mode`: hybrid is the search core as configured (fusion when the semantic
    layer is on), lexical the core with fusion off, semantic the nearest records alone."""
    from kb.search.engine import search
    from kb.search.model import SearchRequest

    out = []
    for j in judged:
        started = time.perf_counter()
        if mode == "semantic":
            ranked = _nearest(handle, j.q)
            total = len(ranked)
        else:
            result = search(handle, SearchRequest(q=j.q, per_page=DEPTH, semantic=mode == "hybrid"))
            ranked, total = [h.record["id"] for h in result.hits], result.total
        seconds = time.perf_counter() - started
        outcome = Outcome(j, ranked, total, seconds)
        outcome.metrics = _metrics(j, outcome)
        out.append(outcome)
    return out


def _nearest(handle, q: str) -> list[str]:
    """The DEPTH records nearest to the query's embedding, over the whole index."""
    from kb.search import semantic
    from kb.search.querylang import parse_query

    view = handle.view()
    text = semantic.query_text(parse_query(q), view.tables)
    found = semantic.nearest(view, text, DEPTH, lambda d: True)
    return [view.record(d)["id"] for d, _ in found]


def _metrics(j: Judged, o: Outcome) -> dict[str, float]:
    wanted = {i for i, g in j.grades.items() if g >= 2}
    ranks = [n for n, rid in enumerate(o.ranked, 1) if rid in wanted]
    first = ranks[0] if ranks else None
    m = {"zero": float(o.total == 0)}
    if j.cls == "negative":
        return m
    m["s1"] = float(first is not None and first <= 1)
    m["s3"] = float(first is not None and first <= 3)
    m["s10"] = float(first is not None and first <= 10)
    m["mrr"] = 1.0 / first if first else 0.0
    m["r50"] = len(ranks) / min(len(wanted), DEPTH) if wanted else 0.0
    gains = [2 ** j.grades.get(rid, 0) - 1 for rid in o.ranked[:10]]
    dcg = sum(g / math.log2(n + 2) for n, g in enumerate(gains))
    ideal = sorted((2**g - 1 for g in j.grades.values()), reverse=True)[:10]
    idcg = sum(g / math.log2(n + 2) for n, g in enumerate(ideal))
    m["ndcg10"] = dcg / idcg if idcg else 0.0
    return m


def summarize(outcomes: list[Outcome]) -> dict[str, dict[str, float]]:
    """Per class (and known per language): mean of each metric, latency p50/p95 in ms, count."""
    groups: dict[str, list[Outcome]] = {}
    for o in outcomes:
        groups.setdefault(o.query.cls, []).append(o)
        if o.query.cls == "known":
            groups.setdefault(f"known/{o.query.lang}", []).append(o)
    out = {}
    for name in sorted(groups, key=lambda g: (CLASSES.index(g.split("/")[0]), g)):
        os_ = groups[name]
        row = {"n": len(os_)}
        for key in ("s1", "s3", "s10", "mrr", "r50", "ndcg10", "zero"):
            values = [o.metrics[key] for o in os_ if key in o.metrics]
            if values:
                row[key] = sum(values) / len(values)
        ms = sorted(o.seconds * 1000 for o in os_)
        row["p50_ms"] = statistics.median(ms)
        row["p95_ms"] = ms[min(len(ms) - 1, math.ceil(0.95 * len(ms)) - 1)]
        out[name] = row
    return out


def table(summary: dict[str, dict[str, float]]) -> str:
    cols = [("n", "n"), ("s1", "s@1"), ("s3", "s@3"), ("s10", "s@10"), ("mrr", "MRR"), ("r50", "R@50")]
    cols += [("ndcg10", "nDCG@10"), ("zero", "zero"), ("p50_ms", "p50 ms"), ("p95_ms", "p95 ms")]
    lines = ["| class | " + " | ".join(label for _, label in cols) + " |", "|---" * (len(cols) + 1) + "|"]
    for name, row in summary.items():
        cells = []
        for key, _ in cols:
            v = row.get(key)
            if v is None:
                cells.append("")
            elif key == "n":
                cells.append(str(v))
            elif key.endswith("_ms"):
                cells.append(f"{v:.1f}")
            else:
                cells.append(f"{100 * v:.0f}%" if key in ("s1", "s3", "s10", "r50", "zero") else f"{v:.3f}")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def failures(outcomes: list[Outcome], handle) -> str:
    view = handle.view()
    titles = {view.record(d)["id"]: view.record(d)["title"] for d in view.live}
    lines = []
    for o in outcomes:
        m, j = o.metrics, o.query
        bad = (j.cls == "negative" and not m["zero"]) or (
            j.cls in ("known", "descriptive", "paraphrase") and not m["s3"]
        )
        bad = bad or (j.cls == "topic" and m["r50"] < 0.9)
        if bad:
            wanted = [titles.get(i, i)[:40] for i, g in j.grades.items() if g >= 2][:2]
            got = [titles.get(i, i)[:30] for i in o.ranked[:3]]
            lines.append(f"{j.id} [{j.q}] total={o.total} {m} want={wanted} got={got}")
    return "\n".join(lines)


def build_archive_index(archive: Path, tmp: Path, semantic: bool = False):
    from indexer.build import reindex, tty_progress
    from kb.config import load_config

    extra = f"semantic: true\nembedding_cache: {CACHE}\n" if semantic else ""
    (tmp / "kb.yaml").write_text(f"archive: {archive}\nindex: {tmp / 'index'}\n{extra}", encoding="utf-8")
    config = load_config(tmp / "kb.yaml")
    reindex(config, progress=tty_progress if semantic else None)
    return config


def main(argv: list[str] | None = None) -> int:
    sys.path.insert(0, str(ROOT))
    from kb.config import load_config
    from kb.search.index_view import IndexHandle

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--index", type=Path, help="an index of the archive (default: build one)")
    ap.add_argument("--config", type=Path, help="kb.yaml to read tables from")
    ap.add_argument(
        "--archive", type=Path, default=Path(os.environ.get("KB_BENCH_ARCHIVE", ROOT.parent / "shared" / "archive"))
    )
    ap.add_argument("--split", default="all", choices=("dev", "test", "all"))
    ap.add_argument("--sets", default="queries", help="comma-separated: queries,paraphrase")
    ap.add_argument("--show-failures", action="store_true")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--semantic", action="store_true", help="semantic layer on: lexical, semantic and hybrid")
    ap.add_argument("--modes", default=",".join(MODES), help="with --semantic: which modes to run")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        if args.index:
            config = load_config(args.config).replace(index=args.index)
        else:
            config = build_archive_index(args.archive.resolve(), Path(tmp), args.semantic)
        handle = IndexHandle(config)
        judged = [j for j in load_judged(handle, args.sets.split(",")) if args.split in ("all", j.split)]
        modes = args.modes.split(",") if args.semantic or config.semantic else ["lexical"]
        summaries = {}
        print(f"{len(judged)} judged queries, split {args.split}")
        for mode in modes:
            run_queries(handle, judged[:5], mode)  # warm-up: caches, first searcher, the model
            outcomes = run_queries(handle, judged, mode)
            summaries[mode] = summary = summarize(outcomes)
            print(f"\n{mode}\n" if len(modes) > 1 else "")
            print(table(summary))
            if args.show_failures:
                print("\n" + failures(outcomes, handle))
        if args.json:
            args.json.parent.mkdir(parents=True, exist_ok=True)
            payload = summaries if len(modes) > 1 else summaries[modes[0]]
            args.json.write_text(json.dumps(payload, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
