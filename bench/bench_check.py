"""The editor's check of a whole draft, timed in process (indexer.check.check_text, warm handle).

    python bench/bench_check.py [--passes 5]

Drafts: every archive issue with at least 25 items, checked against the issues before it (as an
editor would before publishing it), and the shared draft of 2020-11-30 (../shared/archive-drafts)
when present. Reports the first check after opening the generation (it builds the per-generation
similarity index) and then the median and p95 per draft over --passes passes.

Target: a 30-item draft < 300 ms on the archive. Writes bench/out/bench_check.json.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import ARCHIVE, NEUTRAL_CWD, WORK, check, kb_exe, percentile, run_child, table, use_code, write_json  # noqa: E402

if __name__ == "__main__":
    use_code()  # before kb is imported

from indexer.check import check_text  # noqa: E402
from indexer.source import decode  # noqa: E402
from kb.config import load_config  # noqa: E402
from kb.search.index_view import IndexHandle  # noqa: E402

TARGET_MS = 300


def drafts(archive: Path, handle: IndexHandle) -> list[tuple[str, str, int]]:
    """(name, text, items) of the drafts to check."""
    view = handle.view()
    per_file: dict[str, int] = {}
    for d in view.live:
        name = view.record(d)["source_file"]
        per_file[name] = per_file.get(name, 0) + 1
    out = []
    for path in sorted(archive.glob("*.md")):
        if per_file.get(path.name, 0) >= 25:
            out.append((path.name, decode(path.name, path.read_bytes()).text or "", per_file[path.name]))
    shared = archive.parent / "archive-drafts" / "2020-11-30.md"
    if shared.is_file():
        out.append(("draft " + shared.name, shared.read_text(encoding="utf-8"), 28))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="kb check latency on whole drafts")
    ap.add_argument("--passes", type=int, default=5)
    args = ap.parse_args(argv)
    index = WORK / "archive" / "index"
    check(
        run_child(kb_exe() + ["reindex", "--quiet", "--archive", str(ARCHIVE), "--index", str(index)], cwd=NEUTRAL_CWD),
        "kb reindex",
    )
    handle = IndexHandle(load_config(None, cwd=NEUTRAL_CWD).replace(index=index.resolve()))
    todo = drafts(ARCHIVE, handle)
    t = time.perf_counter()
    check_text(handle, todo[0][1], name=todo[0][0])
    first_ms = (time.perf_counter() - t) * 1000
    times: dict[str, list[float]] = {name: [] for name, _, _ in todo}
    for _ in range(args.passes):
        for name, text, _ in todo:
            t = time.perf_counter()
            check_text(handle, text, name=name.removeprefix("draft "))
            times[name].append((time.perf_counter() - t) * 1000)
    flat = [v for vs in times.values() for v in vs]
    rows = [[name, items, f"{statistics.median(times[name]):.0f}"] for name, _, items in todo]
    print(table(rows, ["draft", "items", "median ms"]))
    p50, p95 = percentile(flat, 50), percentile(flat, 95)
    verdict = "ok" if p95 < TARGET_MS else "MISSED"
    print(f"\nfirst check (builds the similarity index): {first_ms:.0f} ms")
    print(f"{len(todo)} drafts x {args.passes} passes: p50 {p50:.0f} ms, p95 {p95:.0f} ms")
    print(f"target: p95 < {TARGET_MS} ms: {verdict}")
    path = write_json(
        "bench_check",
        {"first_ms": first_ms, "p50_ms": p50, "p95_ms": p95, "drafts": len(todo), "target_ms": TARGET_MS},
    )
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
