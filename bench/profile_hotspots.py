"""cProfile the hot paths and print the top functions by cumulative and by own time.

    python bench/profile_hotspots.py rebuild --archive DIR [--seconds 30]
    python bench/profile_hotspots.py query --index DIR [--q 量化 ...] [--repeat 50]
    python bench/profile_hotspots.py serve --index DIR [--repeat 200]

rebuild: an in-process full rebuild into a temp index, stopped after --seconds (the profile then
         covers the part reached: setup, parsing, add_document; commit only if it finished).
query:   the given queries (default: bench_search.py's slowest kinds) --repeat times on a warm
         IndexHandle.
serve:   GET /?q=… through Flask's test client (search + template rendering, no network).

Writes bench/out/profile-<what>.prof (open with `python -m pstats` or snakeviz).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import NEUTRAL_CWD, OUT, use_code  # noqa: E402


class _Stop(Exception):
    pass


def _show(prof: cProfile.Profile, name: str, top: int) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"profile-{name}.prof"
    prof.dump_stats(str(path))
    for key in ("cumulative", "tottime"):
        buf = io.StringIO()
        st = pstats.Stats(prof, stream=buf).strip_dirs().sort_stats(key)
        st.print_stats(top)
        text = buf.getvalue()
        start = text.find("   ncalls")
        print(f"\n== top {top} by {key} ==")
        print(text[start:] if start >= 0 else text)
    print(f"wrote {path}")


def rebuild(args) -> None:
    from indexer.build import reindex
    from kb.config import load_config

    tmp = Path(tempfile.mkdtemp(prefix="kb-prof-"))
    config = load_config(None, cwd=NEUTRAL_CWD).replace(index=tmp / "index")
    done = {"n": 0}

    def on_alarm(signum, frame):
        raise _Stop()

    signal.signal(signal.SIGALRM, on_alarm)
    prof = cProfile.Profile()
    t0 = time.perf_counter()
    signal.alarm(args.seconds)
    prof.enable()
    try:
        reindex(config, archive=args.archive.resolve(), full=True, progress=lambda c, t, n: done.update(n=c, total=t))
        finished = True
    except _Stop:
        finished = False
    finally:
        prof.disable()
        signal.alarm(0)
        shutil.rmtree(tmp, ignore_errors=True)
    print(
        f"rebuild {'finished' if finished else 'stopped'} after {time.perf_counter() - t0:.1f} s, "
        f"{done['n']}/{done.get('total', '?')} files parsed"
    )
    _show(prof, f"rebuild-{args.archive.resolve().parent.name}-{args.archive.name}", args.top)


def query(args) -> None:
    from kb.config import load_config
    from kb.search.engine import search
    from kb.search.index_view import IndexHandle
    from kb.search.model import SearchRequest

    handle = IndexHandle(load_config(None, cwd=NEUTRAL_CWD).replace(index=args.index.resolve()))
    qs = args.q or ["量化", "量化 per_page=100", "TensorFlow Lite int8", "量化 -剪枝", "华为 芯片"]
    reqs = []
    for q in qs:
        if q.endswith(" per_page=100"):
            reqs.append(SearchRequest(q=q.removesuffix(" per_page=100"), per_page=100))
        else:
            reqs.append(SearchRequest(q=q))
    for r in reqs:
        search(handle, r)
    prof = cProfile.Profile()
    t0 = time.perf_counter()
    prof.enable()
    for _ in range(args.repeat):
        for r in reqs:
            search(handle, r)
    prof.disable()
    n = args.repeat * len(reqs)
    print(f"{n} searches in {time.perf_counter() - t0:.2f} s under the profiler ({qs})")
    _show(prof, f"query-{args.index.resolve().parent.name}", args.top)


def serve(args) -> None:
    from urllib.parse import urlencode

    from kb.config import load_config
    from web.app import create_app

    app = create_app(load_config(None, cwd=NEUTRAL_CWD).replace(index=args.index.resolve()))
    client = app.test_client()
    qs = args.q or ["量化", "芯片", "NPU", "华为 芯片", "剪枝 section:论文", ""]
    paths = ["/?" + urlencode({"q": q}) for q in qs]
    for p in paths:
        assert client.get(p).status_code == 200, p
    prof = cProfile.Profile()
    t0 = time.perf_counter()
    prof.enable()
    for _ in range(args.repeat):
        for p in paths:
            client.get(p)
    prof.disable()
    n = args.repeat * len(paths)
    dt = time.perf_counter() - t0
    print(f"{n} pages in {dt:.2f} s under the profiler ({n / dt:.0f} pages/s single-threaded, profiled)")
    _show(prof, f"serve-{args.index.resolve().parent.name}", args.top)


def main(argv: list[str] | None = None) -> int:
    use_code()
    ap = argparse.ArgumentParser(description="cProfile kb's hot paths (--code head|tree|live: see _common.use_code)")
    sub = ap.add_subparsers(dest="what", required=True)
    r = sub.add_parser("rebuild")
    r.add_argument("--archive", type=Path, required=True)
    r.add_argument("--seconds", type=int, default=30)
    q = sub.add_parser("query")
    q.add_argument("--index", type=Path, required=True)
    q.add_argument("--q", action="append")
    q.add_argument("--repeat", type=int, default=50)
    s = sub.add_parser("serve")
    s.add_argument("--index", type=Path, required=True)
    s.add_argument("--q", action="append")
    s.add_argument("--repeat", type=int, default=50)
    for p in (r, q, s):
        p.add_argument("--top", type=int, default=25)
    args = ap.parse_args(argv)
    {"rebuild": rebuild, "query": query, "serve": serve}[args.what](args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
