"""Where a search page's time goes, in process: the search, the template, the rest.

    python bench/page_parts.py [--index DIR] [--runs 10] [--pages]

Requests each of bench_serve.py's 45 search pages through Flask's test client (no network,
no gunicorn) and measures, in CPU time of this thread, the whole request, the core's
`search()` and `render_template()` (timed by wrapping the two names the view calls), and the
static file `/static/style.css`. Each figure is the best of --runs requests of the page; the
table gives the median and mean over the pages (--pages: every page). The rest of a request is
the view's own work, Flask and the test client.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import NEUTRAL_CWD, WORK, table, use_code  # noqa: E402

PARTS = ("request", "search", "render", "rest", "static")


def measure(index: Path, runs: int) -> list[tuple[str, dict[str, float]]]:
    from bench_serve import STATIC_PATH, page_paths

    import web.views.search as view
    from kb.config import load_config
    from web.app import create_app

    app = create_app(load_config(None, cwd=NEUTRAL_CWD).replace(index=index.resolve()))
    client = app.test_client()
    took: dict[str, float] = {}

    def timed(name: str, fn):
        def wrapper(*args, **kwargs):
            start = time.thread_time()
            try:
                return fn(*args, **kwargs)
            finally:
                took[name] = time.thread_time() - start

        return wrapper

    view.search = timed("search", view.search)
    view.render_template = timed("render", view.render_template)
    paths = page_paths(index)
    for path in paths * 2:  # warm: the generation, its caches, the templates
        assert client.get(path).status_code == 200, path
    out = []
    for path in paths:
        best = dict.fromkeys(PARTS, float("inf"))
        for _ in range(runs):
            start = time.thread_time()
            client.get(path)
            whole = time.thread_time() - start
            if whole < best["request"]:
                best.update(request=whole, search=took["search"], render=took["render"])
            start = time.thread_time()
            client.get(STATIC_PATH).close()
            best["static"] = min(best["static"], time.thread_time() - start)
        best["rest"] = best["request"] - best["search"] - best["render"]
        out.append((path, {k: v * 1000 for k, v in best.items()}))
    return out


def main(argv: list[str] | None = None) -> int:
    use_code()
    ap = argparse.ArgumentParser(description="a search page's time in process: search, template, rest")
    ap.add_argument("--index", type=Path, default=WORK / "archive" / "index")
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--pages", action="store_true", help="print every page, not only the summary")
    args = ap.parse_args(argv)
    rows = measure(args.index, args.runs)
    if args.pages:
        print(table([[p] + [f"{ms[k]:.2f}" for k in PARTS] for p, ms in rows], ["page", *PARTS]))
    summary = [
        [k, f"{statistics.median(ms[k] for _, ms in rows):.3f}", f"{statistics.fmean(ms[k] for _, ms in rows):.3f}"]
        for k in PARTS
    ]
    print(f"\n{len(rows)} search pages, best of {args.runs} each, CPU ms in process (Flask test client)")
    print(table(summary, ["part", "median ms", "mean ms"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
