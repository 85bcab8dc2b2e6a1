"""Hostile drafts: what a pathological input costs the parser, and a running server.

    python bench/bench_bad_input.py [--sizes 1000,2000,4000,8000,16000] [--runs 3] [--skip-serve]
    python bench/bench_bad_input.py --code 03a8aee --sizes 1000,2000,4000   # the code before the fix

1. Parse: `parse_issue` (what `kb check` and POST /api/check run on a draft) of a draft whose one
   section holds CASE(N), for each case and N; the median of `--runs`, in process. Prints ms per
   N, µs per unit at the largest N, and the growth t(N_max)/t(N_min) next to the input's growth
   (equal for linear, its square for quadratic).
2. Serve (unless --skip-serve): `kb serve` (gunicorn, one worker per core × 4 threads) on an
   index of data/sample; POST /api/check with a 300 KB pathological draft, one at a time; then
   eight at once with a search sent 0.2 s later (how long the search waited); then a 1.9 MB
   body, which the cap refuses.

Writes bench/out/bench_bad_input.json. Timings are for this README only, never for tests.
"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import NEUTRAL_CWD, SAMPLE, kb_exe, table, use_code, wait_quiet, write_json  # noqa: E402

if __name__ == "__main__":
    use_code()  # before kb is imported

HEAD = "# 嵌入式AI简报 (2022-05-01) 草稿\n\n## 论文\n\n"

#: case → (what one unit is, N → the section's text). N units each.
CASES: dict[str, tuple[str, Callable[[int], str]]] = {
    "item line of [": ("[", lambda n: "- " + "[" * n),
    "item line of ![": ("![", lambda n: "- " + "![" * n),
    "item line of '[a '": ("[a ", lambda n: "- " + "[a " * n),
    "item line of ](": ("](", lambda n: "- " + "](" * n),
    "item line of <": ("<", lambda n: "- " + "<" * n),
    "item line of `": ("`", lambda n: "- " + "`" * n),
    "item line of *a": ("*a", lambda n: "- " + "*a" * n),
    "item line of links": ("link", lambda n: "- x\n链接: " + "[a](http://x.cn/) " * n),
    "long line of words": ("量化 ", lambda n: "- " + "量化 " * n),
    "[ then spaces": ("space", lambda n: "- [" + " " * n + "x |"),
    "lines of 30 [": ("line", lambda n: "- x\n" + "\n".join(["[" * 30] * n)),
    "> quote lines": ("line", lambda n: "> y\n" * n),
    "nested > on a line": (">", lambda n: ">" * n + " x"),
    "nested lists": ("line", lambda n: "".join("  " * min(i, 40) + "- x\n" for i in range(n))),
    "same item N times": ("item", lambda n: "- [t](http://x.cn/a)\n" * n),
    "items": ("item", lambda n: "".join(f"- [t{i}](http://x.cn/{i})\n" for i in range(n))),
    "rule, then spaces": ("space", lambda n: "---\n\n    " + " " * n + "x"),
}
HEADLINE_CASES: dict[str, tuple[str, Callable[[int], str]]] = {
    "H1 with spaces": ("space", lambda n: "# a" + " " * n + "b\n\n## 论文\n\n- x\n"),
}


def _clear_inline_cache() -> None:
    import indexer.inline as inline

    cached = getattr(inline, "_parse_cached", None) or inline.parse_inline
    cached.cache_clear()


def parse_times(sizes: list[int], runs: int) -> list[dict]:
    from indexer.parse import parse_issue
    from kb.companies import load_companies
    from kb.config import DATA_DIR

    companies = load_companies(DATA_DIR / "companies.yaml")
    parse_issue("w.md", HEAD + "- [x](https://x.org/)\n", companies)  # warm-up
    rows = []
    for name, (unit, make) in {**CASES, **HEADLINE_CASES}.items():
        row = {"case": name, "unit": unit, "ms": {}, "chars": {}, "warnings": 0}
        for n in sizes:
            text = make(n) if name in HEADLINE_CASES else HEAD + make(n) + "\n"
            times = []
            for _ in range(runs):
                _clear_inline_cache()
                t0 = time.perf_counter()
                issue = parse_issue("2022-05-01.md", text, companies)
                times.append(time.perf_counter() - t0)
            row["ms"][n] = round(statistics.median(times) * 1000, 2)
            row["chars"][n] = len(text)
            row["warnings"] = len(issue.warnings)
        first, last = sizes[0], sizes[-1]
        row["growth"] = round(row["ms"][last] / max(row["ms"][first], 1e-3), 1)
        row["us_per_unit"] = round(row["ms"][last] * 1000 / last, 2)
        rows.append(row)
        print(f"  {name}: " + ", ".join(f"{v} ms" for v in row["ms"].values()), flush=True)
    return rows


# -- the server --------------------------------------------------------------------------------
def _post(port: int, body: bytes, timeout: float = 600) -> tuple[int, float]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    t0 = time.perf_counter()
    try:
        conn.request("POST", "/api/check", body=body, headers={"Content-Type": "application/json"})
        response = conn.getresponse()
        response.read()
        return response.status, time.perf_counter() - t0
    except OSError:
        return 0, time.perf_counter() - t0
    finally:
        conn.close()


def _get(port: int, path: str) -> tuple[int, float]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    t0 = time.perf_counter()
    conn.request("GET", path)
    response = conn.getresponse()
    response.read()
    conn.close()
    return response.status, time.perf_counter() - t0


SERVE_BODIES: dict[str, str] = {
    "300 KB of [": "- " + "[" * 300_000,
    "300 KB of ![": "- " + "![" * 150_000,
    "300 KB of '[a '": "- " + "[a " * 100_000,
    "300 KB, lines of 30 [": "- x\n" + ("[" * 30 + "\n") * 10_000,
}


def _body(text: str) -> bytes:
    return json.dumps({"text": HEAD + text + "\n"}).encode()


def serve_times(runs: int) -> dict:
    from bench_serve import free_port, start_server, stop_server

    out: dict = {"single": {}, "parallel": {}}
    with tempfile.TemporaryDirectory(prefix="kb-bench-bad-") as tmp:
        index = Path(tmp) / "index"
        subprocess.run(
            kb_exe() + ["reindex", "--archive", str(SAMPLE), "--index", str(index), "--quiet"],
            check=True,
            cwd=NEUTRAL_CWD,
        )
        port = free_port()
        proc = start_server(index, port, 4, Path(tmp) / "serve.log")
        try:
            for name, text in SERVE_BODIES.items():
                answers = [_post(port, _body(text)) for _ in range(runs)]
                out["single"][name] = {
                    "status": answers[-1][0],
                    "s": round(statistics.median(t for _, t in answers), 2),
                }
                print(f"  one POST, {name}: {out['single'][name]}", flush=True)
            bodies = [_body(text) for text in SERVE_BODIES.values()] * 2
            answers: list[tuple[int, float]] = []
            threads = [threading.Thread(target=lambda b=b: answers.append(_post(port, b))) for b in bodies]
            t0 = time.perf_counter()
            for thread in threads:
                thread.start()
            time.sleep(0.2)
            search_status, search_s = _get(port, "/api/search?q=ncnn")
            for thread in threads:
                thread.join()
            out["parallel"] = {
                "bodies": len(bodies),
                "statuses": sorted(s for s, _ in answers),
                "all_done_s": round(time.perf_counter() - t0, 2),
                "slowest_s": round(max(t for _, t in answers), 2),
                "search_status": search_status,
                "search_s": round(search_s, 2),
            }
            print(f"  eight at once: {out['parallel']}", flush=True)
            status, seconds = _post(port, _body("- " + "[" * 1_900_000))
            out["huge"] = {"bytes": len(_body("- " + "[" * 1_900_000)), "status": status, "s": round(seconds, 3)}
            print(f"  1.9 MB body: {out['huge']}", flush=True)
        finally:
            stop_server(proc)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="1000,2000,4000,8000,16000", help="N values, comma-separated")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--skip-serve", action="store_true")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    quiet = wait_quiet()
    print("parse_issue of a draft holding CASE(N):", flush=True)
    rows = parse_times(sizes, args.runs)
    serve = {} if args.skip_serve else serve_times(args.runs)
    headers = ["case", *[f"N={n} ms" for n in sizes], f"µs/unit at {sizes[-1]}", "growth", "input growth"]
    body = [
        [r["case"], *[r["ms"][n] for n in sizes], r["us_per_unit"], f"{r['growth']}×", f"{sizes[-1] // sizes[0]}×"]
        for r in rows
    ]
    print()
    print(table(body, headers))
    path = write_json("bench_bad_input", {"sizes": sizes, "runs": args.runs, "parse": rows, "serve": serve, **quiet})
    print(f"\nwrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
