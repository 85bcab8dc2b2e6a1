"""Query latency, facets included, measured in-process through kb.search.engine.search with a
warm IndexHandle.

    python bench/bench_search.py [--passes 5] [--no-synth] [--index DIR ...]

For every index (default: the archive, built into bench/out/work/archive/index if missing, and
the 100x synthetic index left by bench_index.py in bench/out/work/synth-100x/index, generated and
built if missing): open an IndexHandle, time the first search (opens the generation and loads the
facet column), run the query list once as a warm-up, then time it --passes times. Reports
p50/p95/max over all timed searches, the median per query kind, and the slowest queries.

Queries: Chinese and English words, phrases, field filters, exclusions, arXiv IDs, repos and
exact titles (picked from the archive's index at run time, so no archive text is stored here),
typos, the empty query, facet selections, sorting by date, a later page.

Targets: archive p50 < 15 ms, p95 < 50 ms; 100x p95 < 300 ms. Writes bench/out/bench_search.json.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (  # noqa: E402
    ARCHIVE,
    NEUTRAL_CWD,
    WORK,
    Others,
    check,
    kb_exe,
    percentile,
    run_child,
    table,
    use_code,
    wait_quiet,
    write_json,
)

if __name__ == "__main__":
    use_code()  # before kb is imported

from kb.config import load_config  # noqa: E402
from kb.search.engine import search  # noqa: E402
from kb.search.index_view import IndexHandle  # noqa: E402
from kb.search.model import SearchRequest  # noqa: E402

TARGETS = {"archive": {"p50_ms": 15, "p95_ms": 50}, "synth-100x": {"p95_ms": 300}}


def R(q: str = "", **kw) -> SearchRequest:
    return SearchRequest(q=q, **kw)


#: (kind, label, request); identifiers are added by `identifier_queries`.
QUERIES: list[tuple[str, str, SearchRequest]] = [
    ("zh word", "量化", R("量化")),
    ("zh word", "剪枝", R("剪枝")),
    ("zh word", "芯片", R("芯片")),
    ("zh words", "华为 芯片", R("华为 芯片")),
    ("zh word", "目标检测", R("目标检测")),
    ("zh word", "知识蒸馏", R("知识蒸馏")),
    ("zh words", "神经网络 加速 推理", R("神经网络 加速 推理")),
    ("zh long", "基于 FPGA 的 低功耗 神经网络 加速器 设计", R("基于 FPGA 的 低功耗 神经网络 加速器 设计")),
    ("en word", "quantization", R("quantization")),
    ("en word", "pruning", R("pruning")),
    ("en word", "NPU", R("NPU")),
    ("en word", "NanoDet", R("NanoDet")),
    ("en word", "MobileNet", R("MobileNet")),
    ("en words", "TensorFlow Lite int8", R("TensorFlow Lite int8")),
    ("phrase", '"模型压缩"', R('"模型压缩"')),
    ("phrase", '"neural architecture search"', R('"neural architecture search"')),
    ("phrase+word", '"知识蒸馏" 检测', R('"知识蒸馏" 检测')),
    ("field", "company:华为", R("company:华为")),
    ("field", "year:2020", R("year:2020")),
    ("field", "section:论文", R("section:论文")),
    ("field+word", "量化 year:2020", R("量化 year:2020")),
    ("field+word", "剪枝 section:论文", R("剪枝 section:论文")),
    ("field+word", "company:高通 芯片", R("company:高通 芯片")),
    ("field+word", "NPU date:2020-01..2020-06", R("NPU date:2020-01..2020-06")),
    ("exclusion", "量化 -剪枝", R("量化 -剪枝")),
    ("typo", "nanodett", R("nanodett")),
    ("typo", "quantizaton", R("quantizaton")),
    ("typo", "mobilenat", R("mobilenat")),
    ("empty", "(empty)", R("")),
    ("empty", "(empty) sort=oldest", R("", sort="oldest")),
    ("facet", "(empty) company=华为", R("", filters={"company": ["华为"]})),
    ("facet", "芯片 year=2020 section=news", R("芯片", filters={"year": ["2020"], "section": ["news"]})),
    ("facet", "量化 has=code", R("量化", filters={"has": ["code"]})),
    (
        "facet",
        "(empty) year=2019,2020 company=高通,联发科",
        R("", filters={"year": ["2019", "2020"], "company": ["高通", "联发科"]}),
    ),
    ("sort", "芯片 sort=newest", R("芯片", sort="newest")),
    ("sort", "NPU sort=oldest", R("NPU", sort="oldest")),
    ("page", "芯片 page=3", R("芯片", page=3)),
    ("per_page", "量化 per_page=100", R("量化", per_page=100)),
]


def identifier_queries(handle: IndexHandle) -> list[tuple[str, str, SearchRequest]]:
    """Two arXiv IDs, two repos and two exact titles taken from the index, deterministically."""
    view = handle.view()
    arxiv: list[str] = []
    repos: list[str] = []
    titles: list[str] = []
    for docnum in view.live:
        rec = view.record(docnum)
        if rec.get("arxiv_ids") and len(arxiv) < 2 and rec["arxiv_ids"][0] not in arxiv:
            arxiv.append(rec["arxiv_ids"][0])
        if rec.get("repos") and len(repos) < 2 and rec["repos"][0] not in repos:
            repos.append(rec["repos"][0])
        if rec["section"] in ("paper", "blog") and 12 <= len(rec["title"]) <= 60 and len(titles) < 2:
            titles.append(rec["title"])
        if len(arxiv) == len(repos) == len(titles) == 2:
            break
    out = []
    if arxiv:
        out += [("arXiv", "arXiv ID #1", R(arxiv[0]))]
    if len(arxiv) > 1:
        out += [("arXiv", "arXiv URL #2", R(f"https://arxiv.org/abs/{arxiv[1]}"))]
    if repos:
        out += [("repo", "repo owner/name #1", R(repos[0]))]
    if len(repos) > 1:
        out += [("repo", "repo github URL #2", R(f"https://github.com/{repos[1]}"))]
    for n, t in enumerate(titles, 1):
        out += [("title", f"exact title #{n}", R(t))]
    if titles:
        out += [("title", 'title:"…" #1', R(f'title:"{titles[0]}"'))]
    return out


def ensure_index(index: Path, archive: Path) -> None:
    """Bring `index` up to date with `archive` (`kb reindex`: a no-op when nothing changed, a full
    rebuild when there is no index yet or kb's code or tables changed since it was built)."""
    print(f"kb reindex --archive {archive} --index {index} …", flush=True)
    r = check(
        run_child(
            kb_exe() + ["reindex", "--quiet", "--archive", str(archive.resolve()), "--index", str(index.resolve())],
            cwd=NEUTRAL_CWD,
        ),
        "kb reindex",
    )
    print("  " + r["stdout"].strip(), flush=True)


def ensure_synth(factor: float = 100) -> Path:
    home = WORK / f"synth-{factor:g}x"
    index = home / "index"
    import synth

    if not (home / "archive").is_dir():
        print(f"generating the {factor:g}x synthetic archive in {home / 'archive'} …", flush=True)
        synth.generate(ARCHIVE, home / "archive", factor, seed=1)
    ensure_index(index, home / "archive")
    return index


def measure(name: str, index: Path, queries, passes: int) -> dict:
    quiet = wait_quiet()
    config = load_config(None, cwd=NEUTRAL_CWD).replace(index=index.resolve())
    t0 = time.perf_counter()
    handle = IndexHandle(config)
    first = search(handle, R("量化"))
    open_ms = (time.perf_counter() - t0) * 1000
    docs = len(handle.view().live)
    for _, _, req in queries:  # warm-up pass
        search(handle, req)
    times: dict[str, list[float]] = {label: [] for _, label, _ in queries}
    totals: dict[str, int] = {}
    gc.collect()
    with Others() as others:
        for _ in range(passes):
            for _, label, req in queries:
                t = time.perf_counter()
                res = search(handle, req)
                times[label].append((time.perf_counter() - t) * 1000)
                totals[label] = res.total
    flat = [v for vs in times.values() for v in vs]
    per_query = [
        {
            "kind": kind,
            "query": label,
            "median_ms": statistics.median(times[label]),
            "max_ms": max(times[label]),
            "total": totals[label],
        }
        for kind, label, _ in queries
    ]
    kinds: dict[str, list[float]] = {}
    for kind, label, _ in queries:
        kinds.setdefault(kind, []).extend(times[label])
    return {
        "name": name,
        "quiet": quiet,
        "others_cores": others.cores,
        "index": str(index),
        "docs": docs,
        "queries": len(queries),
        "passes": passes,
        "open_and_first_search_ms": open_ms,
        "first_total": first.total,
        "p50_ms": percentile(flat, 50),
        "p95_ms": percentile(flat, 95),
        "p99_ms": percentile(flat, 99),
        "max_ms": max(flat),
        "mean_ms": statistics.fmean(flat),
        "by_kind": {k: {"median_ms": statistics.median(v), "max_ms": max(v)} for k, v in kinds.items()},
        "per_query": per_query,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="kb search latency (--code head|tree|live: see _common.use_code)")
    ap.add_argument("--passes", type=int, default=5, help="timed passes over the query list (default 5)")
    ap.add_argument(
        "--archive-index",
        type=Path,
        default=WORK / "archive" / "index",
        help="index of the archive (built from the archive if missing)",
    )
    ap.add_argument(
        "--synth-index",
        type=Path,
        default=None,
        help="index of the 100x synthetic archive (default: bench/out/work/synth-100x/index, built if missing)",
    )
    ap.add_argument("--no-synth", action="store_true", help="only the archive")
    ap.add_argument("--slowest", type=int, default=8, help="slowest queries to list per index")
    args = ap.parse_args(argv)

    ensure_index(args.archive_index, ARCHIVE)
    indexes = [("archive", args.archive_index)]
    if not args.no_synth:
        indexes.append(("synth-100x", args.synth_index or ensure_synth(100)))
    # identifiers come from the archive, so both indexes answer the same queries
    queries = QUERIES + identifier_queries(
        IndexHandle(load_config(None, cwd=NEUTRAL_CWD).replace(index=args.archive_index.resolve()))
    )
    results = []
    for name, index in indexes:
        print(f"measuring {name} ({index}): {len(queries)} queries × {args.passes} passes", flush=True)
        results.append(measure(name, index, queries, args.passes))
    path = write_json("bench_search", {"targets": TARGETS, "results": results})
    report(results, args.slowest)
    print(f"\nwrote {path}")
    return 0


def report(results: list[dict], slowest: int) -> None:
    rows = []
    for r in results:
        t = TARGETS.get(r["name"], {})
        verdict = []
        if "p50_ms" in t:
            verdict.append(f"p50<{t['p50_ms']} {'ok' if r['p50_ms'] < t['p50_ms'] else 'MISSED'}")
        if "p95_ms" in t:
            verdict.append(f"p95<{t['p95_ms']} {'ok' if r['p95_ms'] < t['p95_ms'] else 'MISSED'}")
        rows.append(
            [
                r["name"],
                r["docs"],
                r["queries"] * r["passes"],
                f"{r['open_and_first_search_ms']:.0f}",
                f"{r['p50_ms']:.1f}",
                f"{r['p95_ms']:.1f}",
                f"{r['p99_ms']:.1f}",
                f"{r['max_ms']:.1f}",
                f"{r['others_cores']:.2f}",
                ", ".join(verdict),
            ]
        )
    print("\nsearch latency, in-process, warm handle (ms)")
    print(table(rows, ["index", "records", "searches", "open+1st", "p50", "p95", "p99", "max", "other load", "target"]))
    kinds = list(results[0]["by_kind"])
    print("\nmedian by query kind (ms)")
    print(
        table(
            [[k] + [f"{r['by_kind'][k]['median_ms']:.1f}" for r in results] for k in kinds],
            ["kind"] + [r["name"] for r in results],
        )
    )
    for r in results:
        print(f"\nslowest queries on {r['name']} (median of {r['passes']} passes)")
        worst = sorted(r["per_query"], key=lambda q: -q["median_ms"])[:slowest]
        print(
            table(
                [
                    [q["query"][:50], q["kind"], f"{q['median_ms']:.1f}", f"{q['max_ms']:.1f}", q["total"]]
                    for q in worst
                ],
                ["query", "kind", "median ms", "max ms", "hits"],
            )
        )


if __name__ == "__main__":
    sys.exit(main())
