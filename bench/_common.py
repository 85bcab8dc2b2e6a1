"""Helpers shared by the benchmark scripts: paths, child processes with their peak memory,
statistics, tables and the JSON written to bench/out/."""

from __future__ import annotations

import contextlib
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
OUT = BENCH / "out"
WORK = OUT / "work"  # generated archives and indexes kept between scripts (git-ignored)
ARCHIVE = Path(os.environ.get("KB_BENCH_ARCHIVE", Path(__file__).resolve().parents[2] / "shared" / "archive"))
SAMPLE = REPO / "data" / "sample"
NEUTRAL_CWD = Path("/tmp") if Path("/tmp").is_dir() else BENCH  # no kb.yaml, no kb/ package here


def kb_exe() -> list[str]:
    """The `kb` console script of the interpreter running the benchmark (the project venv)."""
    script = Path(sys.executable).parent / "kb"
    if script.exists():
        return [str(script)]
    found = shutil.which("kb")
    if found:
        return [found]
    return [sys.executable, "-m", "kb.cli"]


def run_child(cmd: list[str], *, env: dict | None = None, cwd: Path | str | None = None) -> dict:
    """Run `cmd`; wall seconds (spawn to exit, so the command's interpreter start-up is included),
    the child's own peak RSS, user and system seconds (measured by peak_rss.py, which keeps this
    process's own high-water mark out of the child's figure), stdout and stderr."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="kb-bench-") as tmp:
        figures_path = Path(tmp) / "figures.json"
        wrapped = [sys.executable, str(BENCH / "peak_rss.py"), str(figures_path), "--", *cmd]
        proc = subprocess.Popen(wrapped, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=cwd, text=True)
        out, err = proc.communicate()
        if not figures_path.exists():  # the wrapper itself failed (cannot start the command)
            return {
                "seconds": 0.0,
                "maxrss_mb": 0.0,
                "user_s": 0.0,
                "sys_s": 0.0,
                "rc": proc.returncode or 1,
                "stdout": out,
                "stderr": err,
            }
        figures = json.loads(figures_path.read_text(encoding="utf-8"))
    return {**figures, "stdout": out, "stderr": err}


def check(result: dict, what: str) -> dict:
    if result["rc"] != 0:
        sys.exit(f"{what} failed (exit {result['rc']}):\n{result['stderr'][-2000:]}")
    return result


_SUMMARY = re.compile(
    r"(?P<kind>full rebuild|incremental): (?P<added>\d+) added, (?P<updated>\d+) updated, (?P<removed>\d+) removed, "
    r"(?P<renamed>\d+) renamed, (?P<unchanged>\d+) unchanged; (?P<issues>\d+) issues, (?P<records>\d+) records, "
    r"(?P<warnings>\d+) warnings, (?P<seconds>[\d.]+) s"
)


def reindex_summary(stdout: str) -> dict:
    """The numbers of `kb reindex`'s summary line (its own timer excludes interpreter start-up)."""
    m = _SUMMARY.search(stdout)
    if not m:
        return {}
    d = {k: int(v) for k, v in m.groupdict().items() if k not in ("kind", "seconds")}
    d["kind"] = m.group("kind")
    d["internal_s"] = float(m.group("seconds"))
    return d


def live_generation(index: Path) -> Path:
    return index / (index / "CURRENT").read_text(encoding="utf-8").strip()


def du(path: Path) -> int:
    """Bytes on disk under `path` (allocated blocks, like `du`)."""
    total = 0
    for p in [path, *path.rglob("*")]:
        try:
            st = p.lstat()
        except OSError:
            continue
        total += st.st_blocks * 512
    return total


def stats(values: list[float]) -> dict:
    vals = sorted(values)
    return {
        "n": len(vals),
        "median": statistics.median(vals) if vals else None,
        "min": vals[0] if vals else None,
        "max": vals[-1] if vals else None,
    }


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100) of `values`."""
    vals = sorted(values)
    if not vals:
        return float("nan")
    k = max(0, min(len(vals) - 1, int(-(-p * len(vals) // 100)) - 1))
    return vals[k]


def table(rows: list[list], headers: list[str]) -> str:
    cells = [[str(h) for h in headers]] + [[_fmt(c) for c in row] for row in rows]
    widths = [max(_width(r[i]) for r in cells) for i in range(len(headers))]
    lines = []
    for n, row in enumerate(cells):
        lines.append("  ".join(c + " " * (widths[i] - _width(c)) for i, c in enumerate(row)).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _fmt(c) -> str:
    if isinstance(c, float):
        return f"{c:.3f}" if abs(c) < 100 else f"{c:.1f}"
    return str(c)


def _width(s: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def machine() -> dict:
    info = {"python": sys.version.split()[0], "platform": platform.platform(), "cpus": os.cpu_count()}
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        import whoosh

        info["whoosh"] = ".".join(map(str, whoosh.__version__))
    except Exception:  # noqa: BLE001
        pass
    try:
        from kb import __version__

        info["kb"] = __version__
    except Exception:  # noqa: BLE001
        pass
    with contextlib.suppress(OSError):
        info["git"] = subprocess.run(
            ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
        ).stdout.strip()
    if os.environ.get(CODE_INFO_ENV):
        info["code"] = json.loads(os.environ[CODE_INFO_ENV])
        info["kb_imported_from"] = str(Path(sys.modules["kb"].__file__).parent) if "kb" in sys.modules else None
    return info


def write_json(name: str, data: dict) -> Path:
    OUT.mkdir(parents=True, exist_ok=True)
    data = {"benchmark": name, "when": time.strftime("%Y-%m-%dT%H:%M:%S"), "machine": machine(), **data}
    path = OUT / f"{name}.json"
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def mb(n: int | float) -> float:
    return n / 1e6


PACKAGES = ("kb", "indexer", "web")
CODE_DIR_ENV = "KB_BENCH_CODE_DIR"
CODE_INFO_ENV = "KB_BENCH_CODE_INFO"


def use_code() -> dict:
    """Run this benchmark (and every child: kb reindex, kb serve) on a frozen copy of the code.

    Call before importing kb. `--code head` (the default) extracts the last commit's kb/,
    indexer/ and web/ with `git archive` (`--code REV`: that commit instead); `--code tree`
    copies the working tree as it is now; `--code live` uses the working tree directly (edits
    made while a benchmark runs then count).
    The script re-executes itself with PYTHONPATH pointing at the copy (children inherit it;
    they run in NEUTRAL_CWD so the repository's packages and any kb.yaml stay out of the way);
    the copy is removed at exit. Returns what runs (also recorded in every JSON under machine.code)."""
    if os.environ.get(CODE_DIR_ENV):
        import atexit

        atexit.register(shutil.rmtree, os.environ[CODE_DIR_ENV], True)
        return json.loads(os.environ.get(CODE_INFO_ENV, "{}"))
    mode = "head"
    argv = list(sys.argv[1:])
    for i, arg in enumerate(argv):
        if arg == "--code" and i + 1 < len(argv):
            mode = argv[i + 1]
            del argv[i : i + 2]
            break
        if arg.startswith("--code="):
            mode = arg.split("=", 1)[1]
            del argv[i]
            break
    info = {"mode": mode}
    git = lambda *a: subprocess.run(["git", "-C", str(REPO), *a], capture_output=True)  # noqa: E731
    rev = "HEAD" if mode in ("head", "tree", "live") else mode  # any other value: a git revision
    try:
        info["git"] = git("rev-parse", "--short", rev).stdout.decode().strip()
        if not info["git"]:
            sys.exit(f"--code: unknown git revision {mode!r} (use head, tree, live or a commit)")
        info["dirty"] = bool(git("status", "--porcelain", "--", *PACKAGES).stdout.strip())
    except OSError:
        pass
    if mode == "live":
        sys.argv[1:] = argv  # the script's own parser never sees --code
        return info
    import tarfile
    import tempfile

    dest = Path(tempfile.mkdtemp(prefix="kb-bench-code-"))
    if mode not in ("tree", "live"):
        tar = git("archive", "--format=tar", rev, *[p for p in PACKAGES if (REPO / p).exists()])
        if tar.returncode != 0:
            sys.exit(f"git archive failed: {tar.stderr.decode()}")
        with tarfile.open(fileobj=__import__("io").BytesIO(tar.stdout)) as tf:
            tf.extractall(dest, filter="data")
    else:
        for name in PACKAGES:
            if (REPO / name).is_dir():
                shutil.copytree(REPO / name, dest / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    info["dir"] = str(dest)
    env = dict(os.environ)
    env["PYTHONPATH"] = str(dest) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env[CODE_DIR_ENV] = str(dest)
    env[CODE_INFO_ENV] = json.dumps(info)
    label = f"{info.get('git', '?')}" + (" + uncommitted changes" if mode == "tree" and info.get("dirty") else "")
    print(f"code: {mode} ({label}), frozen in {dest}", flush=True)
    script = str(Path(sys.argv[0]).resolve())
    os.execve(sys.executable, [sys.executable, script, *argv], env)
    raise AssertionError("unreachable")


def _cpu_times() -> tuple[int, int]:
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return sum(fields), idle


def busy_fraction(seconds: float = 1.0) -> float:
    """Share of all CPUs busy over `seconds` (0..1), from /proc/stat."""
    t1, i1 = _cpu_times()
    time.sleep(seconds)
    t2, i2 = _cpu_times()
    return 1 - (i2 - i1) / max(1, t2 - t1)


def wait_quiet(max_wait: float = 180, threshold: float = 0.15) -> dict:
    """Wait (up to `max_wait` s) until other processes leave the CPUs mostly idle, so they do
    not skew a measurement; returns what was seen (recorded in the JSON)."""
    t0 = time.time()
    try:
        busy = busy_fraction()
    except OSError:
        return {}
    warned = False
    while busy > threshold and time.time() - t0 < max_wait:
        if not warned:
            print(f"  (waiting for the machine to be idle: {busy:.0%} of the CPUs busy)", flush=True)
            warned = True
        busy = busy_fraction(2.0)
    if busy > threshold:
        print(f"  warning: still {busy:.0%} busy after {max_wait:.0f} s; measuring anyway", flush=True)
    return {"busy_before": round(busy, 3), "waited_s": round(time.time() - t0, 1)}


def _stat(pid: int) -> list[str]:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return []


def process_tree(pid: int) -> list[int]:
    """`pid` and its live descendants (e.g. a pre-fork server's workers)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            fields = _stat(int(entry.name))
            if fields:
                children.setdefault(int(fields[1]), []).append(int(entry.name))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


def proc_cpu_s(pid: int) -> float:
    """utime + stime of the live process `pid` and its live descendants (all threads), in s."""
    total = 0
    for p in process_tree(pid):
        fields = _stat(p)
        if fields:
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


class Others:
    """How much CPU *other* processes used while a measurement ran, in cores (0 = none).

    All CPUs' busy time from /proc/stat minus our own: this process, its reaped children
    (getrusage) and the live processes in `pids` (e.g. the server). Other sessions on a shared
    machine show up here; a value above ~0.2 core means the figure was disturbed."""

    def __init__(self, pids: tuple[int, ...] = ()) -> None:
        self.pids = pids
        self.cores = 0.0

    def _own(self) -> float:
        import resource

        s, c = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        return s.ru_utime + s.ru_stime + c.ru_utime + c.ru_stime + sum(proc_cpu_s(p) for p in self.pids)

    def __enter__(self) -> Others:
        self.t0, self.i0 = _cpu_times()
        self.own0, self.w0 = self._own(), time.perf_counter()
        return self

    def __exit__(self, *exc) -> None:
        t1, i1 = _cpu_times()
        wall = time.perf_counter() - self.w0
        busy = ((t1 - self.t0) - (i1 - self.i0)) / os.sysconf("SC_CLK_TCK")
        self.cores = max(0.0, (busy - (self._own() - self.own0)) / max(wall, 1e-9))
