"""Indexing benchmarks: `kb reindex` timed as a user runs it (a subprocess, so interpreter start,
imports and the jieba dictionary load are included).

    python bench/bench_index.py [--runs 7] [--factors 10,100] [--skip-synth]

(a) full rebuild of the archive:   kb reindex --full --quiet --archive ARCHIVE --index TMP
(b) incremental, one issue added:  copy of an index of ARCHIVE; ARCHIVE + one generated issue
    (and, for reference, a reindex with nothing changed)
(c) peak memory: the child's own max RSS (bench/peak_rss.py) of every run above
(d) growth: full rebuild of synthetic archives 10x and 100x the archive (bench/synth.py),
    time, records, issues, size of the live generation on disk, records/s; plus one issue added
    to each synthetic index
(e) where the time goes: an in-process full rebuild split at the progress callbacks into
    setup (config, tables, jieba, reading and hashing files) / parse+add_document / commit
    (Whoosh merge and optimize, manifest, publish)

Targets: full rebuild < 4 s, incremental one-issue < 1 s. Writes bench/out/bench_index.json.
Synthetic archives and their last index are kept in bench/out/work/synth-<F>x/ for
bench_search.py (git-ignored; delete with --clean).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import synth  # noqa: E402
from _common import (  # noqa: E402
    ARCHIVE,
    WORK,
    Others,
    check,
    du,
    kb_exe,
    live_generation,
    mb,
    reindex_summary,
    run_child,
    stats,
    table,
    use_code,
    wait_quiet,
    write_json,
)

TARGET_FULL_S = 4.0
TARGET_INCR_S = 1.0
TARGET_ANCHOR_RATIO = 1.5  # full rebuild / crude jieba + FTS5 build of the same archive, same run


def reindex_cmd(archive: Path, index: Path, full: bool) -> list[str]:
    return (
        kb_exe()
        + ["reindex", "--quiet", "--archive", str(archive), "--index", str(index)]
        + (["--full"] if full else [])
    )


def timed_reindex(archive: Path, index: Path, full: bool, cwd: Path, what: str) -> dict:
    with Others() as others:
        r = check(run_child(reindex_cmd(archive, index, full), cwd=cwd), what)
    r["others_cores"] = others.cores
    r.update(reindex_summary(r["stdout"]))
    r["live_gen_bytes"] = du(live_generation(index))
    r.pop("stderr")
    return r


def summarise(name: str, runs: list[dict]) -> dict:
    return {
        "name": name,
        "runs": runs,
        "seconds": stats([r["seconds"] for r in runs]),
        "internal_s": stats([r.get("internal_s", 0.0) for r in runs]),
        "maxrss_mb": stats([r["maxrss_mb"] for r in runs]),
        "others_cores_max": max(r.get("others_cores", 0.0) for r in runs),
        "records": runs[-1].get("records"),
        "issues": runs[-1].get("issues"),
        "live_gen_bytes": runs[-1].get("live_gen_bytes"),
    }


def add_one_issue(archive: Path, dest: Path) -> str:
    """Copy `archive` to `dest` plus one generated issue dated a week after its newest one."""
    shutil.copytree(archive, dest, ignore=shutil.ignore_patterns(".*"))
    templates = synth.read_templates(archive)
    date = max(t.date for t in templates) + dt.timedelta(days=7)
    name = f"{date.isoformat()}.md"
    (dest / name).write_text(synth.make_issue(templates, 9999, date, seed=7), encoding="utf-8")
    return name


def incremental_runs(base_index: Path, archive_plus: Path, runs: int, tmp: Path, cwd: Path, label: str) -> list[dict]:
    out = []
    for k in range(runs):
        idx = tmp / f"incr-{label}-{k}"
        shutil.copytree(base_index, idx)
        r = timed_reindex(archive_plus, idx, False, cwd, f"incremental reindex ({label})")
        if r.get("kind") != "incremental" or r.get("added") != 1:
            sys.exit(
                f"expected an incremental run adding one issue, got: {r['stdout'].strip()}\n"
                "(a full rebuild means the index fingerprint changed: was kb's code or a table "
                "edited while the benchmark ran? run it again)"
            )
        out.append(r)
        shutil.rmtree(idx)
        print(f"  {label} incremental run {k + 1}/{runs}: {r['seconds']:.2f} s", flush=True)
    return out


def phases(archive: Path, index: Path, cwd: Path) -> dict:
    """One in-process full rebuild in a child, split at the progress callbacks."""
    code = f"""
import json, time
t0 = time.perf_counter()
from pathlib import Path
from kb.config import load_config
from indexer.build import reindex
t_import = time.perf_counter()
marks = []
config = load_config(None).replace(index=Path({str(index)!r}))
r = reindex(config, archive=Path({str(archive)!r}), full=True,
            progress=lambda c, t, n: marks.append(time.perf_counter()))
t_end = time.perf_counter()
print(json.dumps({{"import_s": t_import - t0, "setup_s": marks[0] - t_import,
    "parse_add_s": marks[-1] - marks[0], "commit_publish_s": t_end - marks[-1],
    "total_s": t_end - t0, "records": r.records, "issues": r.issues}}))
"""
    r = check(run_child([sys.executable, "-c", code], cwd=cwd), "phase run")
    data = json.loads(r["stdout"].strip().splitlines()[-1])
    data["maxrss_mb"] = r["maxrss_mb"]
    return data


def main(argv: list[str] | None = None) -> int:
    use_code()
    ap = argparse.ArgumentParser(description="kb reindex benchmarks (--code head|tree|live: see _common.use_code)")
    ap.add_argument("--archive", type=Path, default=ARCHIVE, help=f"archive to index (default {ARCHIVE})")
    ap.add_argument("--runs", type=int, default=7, help="runs for (a) and (b) (default 7)")
    ap.add_argument("--factors", default="10,100", help="synthetic sizes, comma-separated (default 10,100)")
    ap.add_argument(
        "--synth-runs", type=int, default=0, help="full rebuilds per synthetic size (default: 3 up to 20x, else 1)"
    )
    ap.add_argument("--skip-synth", action="store_true", help="only (a)-(c) and the archive's phases")
    ap.add_argument(
        "--phases-all", action="store_true", help="also split the rebuild of every synthetic size (default: up to 20x)"
    )
    ap.add_argument(
        "--clean", action="store_true", help="delete bench/out/work (synthetic archives and indexes) and exit"
    )
    ap.add_argument(
        "--phases-of", type=Path, metavar="ARCHIVE", help="only split one full rebuild of ARCHIVE into phases"
    )
    args = ap.parse_args(argv)
    if args.phases_of:
        with tempfile.TemporaryDirectory(prefix="kb-bench-phases-") as t:
            (Path(t) / "cwd").mkdir()
            r = phases(args.phases_of.resolve(), Path(t) / "index", Path(t) / "cwd")
        print(json.dumps(r, indent=1))
        return 0
    if args.clean:
        shutil.rmtree(WORK, ignore_errors=True)
        print(f"removed {WORK}")
        return 0
    archive = args.archive.resolve()
    tmp = Path(tempfile.mkdtemp(prefix="kb-bench-index-"))
    cwd = tmp / "cwd"  # no kb.yaml here: every run uses the built-in defaults
    cwd.mkdir()
    results: dict = {"archive": str(archive), "targets": {"full_s": TARGET_FULL_S, "incremental_s": TARGET_INCR_S}}
    try:
        # (a) full rebuild, one untimed warm-up (page cache, .pyc files)
        print(f"(a) full rebuild of {archive}: 1 warm-up + {args.runs} runs", flush=True)
        results["quiet"] = {"a": wait_quiet()}
        timed_reindex(archive, tmp / "warmup", True, cwd, "warm-up")
        full, anchor, ratios = [], [], []
        anchor_cmd = [sys.executable, str(Path(__file__).resolve().parent / "anchor_fts5.py"), str(archive)]
        check(run_child(anchor_cmd + [str(tmp / "anchor.db")], cwd=cwd), "anchor warm-up")
        for k in range(args.runs):  # kb and the anchor in turn, so a drift of the machine hits both
            idx = tmp / f"full-{k}"
            full.append(timed_reindex(archive, idx, True, cwd, "full rebuild"))
            anchor.append(check(run_child(anchor_cmd + [str(tmp / "anchor.db")], cwd=cwd), "jieba + FTS5 anchor"))
            ratios.append(full[-1]["seconds"] / anchor[-1]["seconds"])
            print(
                f"  run {k + 1}/{args.runs}: {full[-1]['seconds']:.2f} s; jieba + FTS5 anchor "
                f"{anchor[-1]['seconds']:.2f} s; ratio {ratios[-1]:.2f}",
                flush=True,
            )
            if k:
                shutil.rmtree(idx)
        base_index = tmp / "full-0"
        results["full"] = summarise("full rebuild (archive)", full)
        results["anchor"] = {
            "name": "crude jieba + SQLite FTS5 build (bench/anchor_fts5.py)",
            "seconds": stats([r["seconds"] for r in anchor]),
            "ratio": stats(ratios),
            "target_ratio": TARGET_ANCHOR_RATIO,
        }

        # (b) incremental: one issue added; and a reindex with nothing to do
        print(f"(b) incremental reindex, one issue added: {args.runs} runs", flush=True)
        results["quiet"]["b"] = wait_quiet()
        plus = tmp / "archive-plus"
        added = add_one_issue(archive, plus)
        results["incremental_added_file"] = added
        results["incremental"] = summarise(
            "incremental, +1 issue (archive)", incremental_runs(base_index, plus, args.runs, tmp, cwd, "archive")
        )
        noop = [timed_reindex(archive, base_index, False, cwd, "no-op reindex") for _ in range(args.runs)]
        results["noop"] = summarise("no change (archive)", noop)

        # (e) phases for the archive
        print("(e) phase split of the archive rebuild: 3 runs", flush=True)
        ph = [phases(archive, tmp / f"phase-{k}", cwd) for k in range(3)]
        results["phases"] = {"archive": ph}

        # (d) growth
        if not args.skip_synth:
            for factor in [float(f) for f in args.factors.split(",") if f.strip()]:
                results.setdefault("synthetic", []).append(synthetic(archive, factor, args, tmp, cwd, results))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    path = write_json("bench_index", results)
    report(results)
    print(f"\nwrote {path}")
    return 0


def synthetic(archive: Path, factor: float, args, tmp: Path, cwd: Path, results: dict) -> dict:
    label = f"{factor:g}x"
    home = WORK / f"synth-{label}"
    src = home / "archive"
    meta = home / "synth.json"
    want = {"source": str(archive), "factor": factor, "seed": 1}
    if not (meta.is_file() and {k: json.loads(meta.read_text()).get(k) for k in want} == want):
        shutil.rmtree(home, ignore_errors=True)
        home.mkdir(parents=True)
        t0 = time.perf_counter()
        info = synth.generate(archive, src, factor, seed=1)
        info["generate_s"] = time.perf_counter() - t0
        meta.write_text(json.dumps(info, indent=1))
        print(f"(d) generated {info['issues']} issues ({mb(info['bytes']):.0f} MB) in {src}", flush=True)
    info = json.loads(meta.read_text())
    runs = args.synth_runs or (3 if factor <= 20 else 1)
    print(f"(d) full rebuild of the {label} synthetic archive: {runs} run(s)", flush=True)
    results["quiet"][label] = wait_quiet()
    index = home / "index"
    built = []
    for k in range(runs):
        shutil.rmtree(index, ignore_errors=True)
        built.append(timed_reindex(src, index, True, cwd, f"full rebuild {label}"))
        print(f"  run {k + 1}/{runs}: {built[-1]['seconds']:.1f} s, {built[-1].get('records')} records", flush=True)
    entry = summarise(f"full rebuild ({label})", built)
    entry.update({"factor": factor, "archive_bytes": info["bytes"], "index": str(index)})
    # one issue added to the synthetic index
    incr_runs = 3 if factor <= 20 else 1
    plus = tmp / f"synth-{label}-plus"
    add_one_issue(src, plus)
    entry["incremental"] = summarise(
        f"incremental, +1 issue ({label})", incremental_runs(index, plus, incr_runs, tmp, cwd, label)
    )
    shutil.rmtree(plus)
    if factor <= 20 or args.phases_all:
        print(f"(e) phase split of the {label} rebuild: 1 run", flush=True)
        results["phases"][label] = [phases(src, tmp / f"phase-{label}", cwd)]
        shutil.rmtree(tmp / f"phase-{label}", ignore_errors=True)
    return entry


def report(res: dict) -> None:
    rows = []

    def row(e: dict, target: float | None) -> None:
        s = e["seconds"]
        verdict = "" if target is None else ("ok" if s["median"] < target else "MISSED")
        rows.append(
            [
                e["name"],
                s["n"],
                f"{s['median']:.2f}",
                f"{s['min']:.2f}",
                f"{s['max']:.2f}",
                f"{e['internal_s']['median']:.2f}",
                f"{e['maxrss_mb']['max']:.0f}",
                e.get("records", ""),
                f"{mb(e.get('live_gen_bytes') or 0):.1f}",
                f"{e['others_cores_max']:.2f}",
                (f"< {target:g} s {verdict}" if target else ""),
            ]
        )

    row(res["full"], TARGET_FULL_S)
    row(res["incremental"], TARGET_INCR_S)
    row(res["noop"], None)
    for e in res.get("synthetic", []):
        row(e, None)
        row(e["incremental"], None)
    print(
        "\nkb reindex, wall time incl. interpreter start (s); 'internal' = kb's own timer; "
        "'other load' = CPU cores used by other processes meanwhile (max over the runs)"
    )
    print(
        table(
            rows,
            [
                "what",
                "runs",
                "median",
                "min",
                "max",
                "internal",
                "peak RSS MB",
                "records",
                "index MB",
                "other load",
                "target",
            ],
        )
    )
    if res.get("anchor"):
        a = res["anchor"]
        verdict = "ok" if a["ratio"]["median"] <= a["target_ratio"] else "MISSED"
        print(
            f"\nanchor: {a['name']}: median {a['seconds']['median']:.2f} s; kb full rebuild / anchor, "
            f"pair by pair: median {a['ratio']['median']:.2f} (min {a['ratio']['min']:.2f}, "
            f"max {a['ratio']['max']:.2f}), target <= {a['target_ratio']:g} {verdict}"
        )
    if res.get("synthetic"):
        base = res["full"]
        print("\ngrowth relative to the archive (full rebuild)")
        g = [
            [
                base["name"],
                base["records"],
                f"{base['seconds']['median']:.2f}",
                f"{base['records'] / base['internal_s']['median']:.0f}",
                f"{mb(base['live_gen_bytes']):.1f}",
                f"{base['live_gen_bytes'] / base['records'] / 1024:.1f}",
            ]
        ]
        for e in res["synthetic"]:
            g.append(
                [
                    e["name"],
                    e["records"],
                    f"{e['seconds']['median']:.2f}",
                    f"{e['records'] / e['internal_s']['median']:.0f}",
                    f"{mb(e['live_gen_bytes']):.1f}",
                    f"{e['live_gen_bytes'] / e['records'] / 1024:.1f}",
                ]
            )
        print(table(g, ["what", "records", "median s", "records/s", "index MB", "KiB/record"]))
    print("\nwhere the time of a full rebuild goes (in-process, s)")
    p = []
    for label, runs in res["phases"].items():
        for r in runs:
            p.append(
                [
                    label,
                    f"{r['import_s']:.2f}",
                    f"{r['setup_s']:.2f}",
                    f"{r['parse_add_s']:.2f}",
                    f"{r['commit_publish_s']:.2f}",
                    f"{r['total_s']:.2f}",
                    r["records"],
                    f"{r['maxrss_mb']:.0f}",
                ]
            )
    print(table(p, ["archive", "import", "setup", "parse+add", "commit+publish", "total", "records", "RSS MB"]))


if __name__ == "__main__":
    sys.exit(main())
