"""HTTP throughput of the search page under load.

    python bench/bench_serve.py [--index DIR] [--seconds 10] [--clients 16] [--client wrk|python]

Starts `kb serve --index IDX --host 127.0.0.1 --port FREEPORT --threads 8` as a subprocess,
waits until it answers, checks every page of the query list once (status 200, warm-up), then:

1. unloaded latency: one client, keep-alive, sequential requests for 3 s;
2. the search page against a static file on the same server: one client, keep-alive, the
   static file (`/static/style.css`) and a search page requested in turn (interleaved, so both
   see the same machine) for 5 s; reports p50/p95 of each and the ratio of the p50s
   (target: search page p50 ≤ 3× the static file's, p95 < 50 ms);
3. load: 16 concurrent keep-alive clients for 10 s cycling through the search pages `/?q=…`
   of bench_search.py's query list (facet selections, sorts and pages as URL parameters) — with
   wrk (`wrk -t2 -c16 -d10s --latency -s cycle.lua`) when installed, else Python threads with
   http.client.

Only 127.0.0.1 is used. Reports pages/s, latency percentiles, errors and the server's peak RSS,
then stops the server. Target: ≥ 200 search pages/s. Writes bench/out/bench_serve.json.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (  # noqa: E402
    ARCHIVE,
    NEUTRAL_CWD,
    WORK,
    Others,
    busy_fraction,
    kb_exe,
    percentile,
    proc_cpu_s,
    table,
    use_code,
    wait_quiet,
    write_json,
)

if __name__ == "__main__":
    use_code()  # before kb is imported
from bench_search import QUERIES, ensure_index, identifier_queries  # noqa: E402

from kb.config import load_config  # noqa: E402
from kb.search.index_view import IndexHandle  # noqa: E402

HOST = "127.0.0.1"
TARGET_PAGES_S = 200
STATIC_PATH = "/static/style.css"
TARGET_RATIO = 3.0  # search page p50 / static file p50, one client
TARGET_P95_MS = 50.0


def page_paths(index: Path) -> list[str]:
    """`/?q=…` for every request of the query list (identifiers picked from `index`)."""
    queries = QUERIES + identifier_queries(
        IndexHandle(load_config(None, cwd=NEUTRAL_CWD).replace(index=index.resolve()))
    )
    paths = []
    for _, _, req in queries:
        params: list[tuple[str, str]] = [("q", req.q)]
        for name, values in req.filters.items():
            params += [(name, v) for v in values]
        if req.sort != "relevance":
            params.append(("sort", req.sort))
        if req.page != 1:
            params.append(("page", str(req.page)))
        if req.per_page != 20:
            params.append(("per_page", str(req.per_page)))
        paths.append("/?" + urlencode(params))
    return paths


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def start_server(index: Path, port: int, threads: int, log: Path) -> subprocess.Popen:
    cmd = kb_exe() + [
        "serve",
        "--index",
        str(index.resolve()),
        "--host",
        HOST,
        "--port",
        str(port),
        "--threads",
        str(threads),
    ]
    print("starting: " + " ".join(cmd), flush=True)
    proc = subprocess.Popen(
        cmd, stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True, cwd=NEUTRAL_CWD
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        if proc.poll() is not None:
            sys.exit(f"kb serve exited with {proc.returncode}:\n{log.read_text()[-2000:]}")
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=5)
            conn.request("GET", "/")
            if conn.getresponse().status == 200:
                conn.close()
                return proc
        except OSError:
            time.sleep(0.2)
    stop_server(proc)
    sys.exit(f"kb serve did not answer within 60 s:\n{log.read_text()[-2000:]}")


def stop_server(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)  # its own session (start_new_session): the server and its workers
            proc.wait()


def server_memory(pid: int) -> dict:
    """RSS and peak RSS (VmHWM) summed over the server and its worker processes, MB."""
    from _common import process_tree

    out = {"vmrss_mb": 0.0, "vmhwm_mb": 0.0, "pss_mb": 0.0, "processes": 0}
    for p in process_tree(pid):
        try:
            lines = Path(f"/proc/{p}/status").read_text().splitlines()
            for line in Path(f"/proc/{p}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):  # shared pages split between the processes sharing them
                    out["pss_mb"] += int(line.split()[1]) / 1024
        except OSError:
            continue
        out["processes"] += 1
        for line in lines:
            if line.startswith(("VmRSS:", "VmHWM:")):
                key, value = line.split(":", 1)
                out[key.lower() + "_mb"] += int(value.split()[0]) / 1024
    return out


def measured(fn, pid: int):
    """Run fn(); add the server's CPU time per page and the CPU other processes took meanwhile."""
    c0 = proc_cpu_s(pid)
    with Others((pid,)) as others:
        r = fn()
    r["server_cpu_s"] = proc_cpu_s(pid) - c0
    r["server_cpu_ms_per_page"] = r["server_cpu_s"] * 1000 / max(1, r["requests"])
    r["others_cores"] = others.cores
    return r


def check_pages(port: int, paths: list[str]) -> list[dict]:
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    out = []
    for p in paths:
        t = time.perf_counter()
        conn.request("GET", p)
        resp = conn.getresponse()
        body = resp.read()
        out.append({"path": p, "status": resp.status, "bytes": len(body), "ms": (time.perf_counter() - t) * 1000})
    conn.close()
    bad = [r for r in out if r["status"] != 200]
    if bad:
        print(f"warning: {len(bad)} pages did not answer 200: {[(r['path'], r['status']) for r in bad[:5]]}")
    return out


def python_load(port: int, paths: list[str], clients: int, seconds: float) -> dict:
    """`clients` threads, one keep-alive connection each, cycling through `paths`."""
    latencies: list[list[float]] = [[] for _ in range(clients)]
    errors = [0] * clients
    statuses: list[int] = [0] * clients
    nbytes = [0] * clients
    stop = time.perf_counter() + seconds
    start_gate = threading.Barrier(clients + 1)

    def worker(n: int) -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=30)
        i = n * 7
        start_gate.wait()
        while time.perf_counter() < stop:
            path = paths[i % len(paths)]
            i += 1
            t = time.perf_counter()
            try:
                conn.request("GET", path)
                resp = conn.getresponse()
                nbytes[n] += len(resp.read())
                if resp.status != 200:
                    statuses[n] += 1
            except (OSError, http.client.HTTPException):
                errors[n] += 1
                conn.close()
                conn = http.client.HTTPConnection(HOST, port, timeout=30)
                continue
            latencies[n].append((time.perf_counter() - t) * 1000)
        conn.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    t0 = time.perf_counter()
    start_gate.wait()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - t0
    flat = [v for vs in latencies for v in vs]
    return {
        "client": "python",
        "requests": len(flat),
        "seconds": elapsed,
        "pages_per_s": len(flat) / elapsed,
        "bytes": sum(nbytes),
        "errors": {"socket": sum(errors), "status": sum(statuses)},
        "latency_ms": _lat(flat),
    }


def interleaved(port: int, paths: list[str], seconds: float) -> dict:
    """One keep-alive client alternating the static file and the next search page."""
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    static: list[float] = []
    search: list[float] = []
    errors = 0
    i = 0
    stop = time.perf_counter() + seconds
    while time.perf_counter() < stop:
        for path, out in ((STATIC_PATH, static), (paths[i % len(paths)], search)):
            t = time.perf_counter()
            conn.request("GET", path)
            resp = conn.getresponse()
            resp.read()
            out.append((time.perf_counter() - t) * 1000)
            errors += resp.status != 200
        i += 1
    conn.close()
    s, q = _lat(static), _lat(search)
    return {
        "requests": len(static) + len(search),
        "static_path": STATIC_PATH,
        "static_ms": s,
        "search_ms": q,
        "ratio_p50": q["p50"] / s["p50"],
        "errors": {"status": errors},
    }


def _lat(flat: list[float]) -> dict:
    if not flat:
        return {}
    return {
        "mean": statistics.fmean(flat),
        "p50": percentile(flat, 50),
        "p90": percentile(flat, 90),
        "p95": percentile(flat, 95),
        "p99": percentile(flat, 99),
        "max": max(flat),
    }


WRK_LUA = r"""
local paths = %s
local counter = 0
local threads = {}
function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end
function init(args)
  counter = (tid or 0) * 7
end
function request()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1])
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests":%%d,"duration_us":%%d,"bytes":%%d,' ..
    '"errors":{"connect":%%d,"read":%%d,"write":%%d,"status":%%d,"timeout":%%d},' ..
    '"latency_us":{"mean":%%f,"p50":%%d,"p90":%%d,"p95":%%d,"p99":%%d,"max":%%d}}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency.mean, latency:percentile(50), latency:percentile(90), latency:percentile(95),
    latency:percentile(99), latency.max))
end
"""


def wrk_load(port: int, paths: list[str], clients: int, seconds: float, tmp: Path) -> dict:
    lua = tmp / "cycle.lua"
    lua.write_text(WRK_LUA % ("{" + ",".join(json.dumps(p) for p in paths) + "}"), encoding="utf-8")
    cmd = [
        "wrk",
        "-t2",
        f"-c{clients}",
        f"-d{seconds:g}s",
        "--latency",
        "--timeout",
        "10s",
        "-s",
        str(lua),
        f"http://{HOST}:{port}/",
    ]
    print("load: " + " ".join(cmd), flush=True)
    proc = subprocess.run(cmd, capture_output=True, text=True)
    line = next((x for x in proc.stdout.splitlines() if x.startswith("WRKJSON ")), None)
    if proc.returncode != 0 or line is None:
        sys.exit(f"wrk failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    d = json.loads(line[len("WRKJSON ") :])
    secs = d["duration_us"] / 1e6
    lat = {k: v / 1000 for k, v in d["latency_us"].items()}
    return {
        "client": "wrk",
        "command": " ".join(cmd),
        "requests": d["requests"],
        "seconds": secs,
        "pages_per_s": d["requests"] / secs,
        "bytes": d["bytes"],
        "errors": d["errors"],
        "latency_ms": lat,
        "wrk_output": proc.stdout,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description="kb serve load test, 127.0.0.1 only (--code head|tree|live: see _common.use_code)"
    )
    ap.add_argument(
        "--index",
        type=Path,
        default=WORK / "archive" / "index",
        help="index to serve (default: the archive's, built if missing)",
    )
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--threads", type=int, default=8, help="kb serve --threads (default 8)")
    ap.add_argument(
        "--client",
        choices=("auto", "wrk", "python", "both"),
        default="auto",
        help="load generator (default: wrk if installed)",
    )
    args = ap.parse_args(argv)
    ensure_index(args.index, ARCHIVE)
    paths = page_paths(args.index)
    clients = (
        ["wrk" if shutil.which("wrk") else "python"]
        if args.client == "auto"
        else (["wrk", "python"] if args.client == "both" else [args.client])
    )
    tmp = Path(tempfile.mkdtemp(prefix="kb-bench-serve-"))
    port = free_port()
    try:
        proc = start_server(args.index, port, args.threads, tmp / "serve.log")
    except SystemExit:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    results: dict = {
        "index": str(args.index),
        "paths": len(paths),
        "clients": args.clients,
        "server_threads": args.threads,
        "seconds": args.seconds,
        "target_pages_s": TARGET_PAGES_S,
    }
    try:
        results["quiet"] = wait_quiet()
        pages = check_pages(port, paths)
        results["page_check"] = {
            "ok": sum(p["status"] == 200 for p in pages),
            "of": len(pages),
            "median_bytes": statistics.median(p["bytes"] for p in pages),
        }
        check_pages(port, paths)  # second warm-up pass
        single = measured(lambda: python_load(port, paths, 1, 3.0), proc.pid)
        results["single_client"] = single
        results["interleaved"] = measured(lambda: interleaved(port, paths, 5.0), proc.pid)
        results["load"] = []
        for client in clients:
            if client == "wrk":
                results["load"].append(
                    measured(lambda: wrk_load(port, paths, args.clients, args.seconds, tmp), proc.pid)
                )
            else:
                print(f"load: {args.clients} python http.client threads for {args.seconds:g} s", flush=True)
                results["load"].append(measured(lambda: python_load(port, paths, args.clients, args.seconds), proc.pid))
        results["server_memory"] = server_memory(proc.pid)
        results["quiet"]["busy_after"] = round(busy_fraction(), 3)
    finally:
        stop_server(proc)
        results["server_log_tail"] = (tmp / "serve.log").read_text(errors="replace")[-1500:]
        shutil.rmtree(tmp, ignore_errors=True)
    path = write_json("bench_serve", results)
    report(results)
    print(f"\nwrote {path}")
    return 0


def report(res: dict) -> None:
    rows = []
    for name, r in [("1 client (python)", res["single_client"])] + [
        (f"{res['clients']} clients ({r['client']})", r) for r in res["load"]
    ]:
        lat = r["latency_ms"]
        errs = sum(r["errors"].values())
        verdict = (
            ""
            if name.startswith("1 ")
            else (f"≥{TARGET_PAGES_S} " + ("ok" if r["pages_per_s"] >= TARGET_PAGES_S else "MISSED"))
        )
        rows.append(
            [
                name,
                r["requests"],
                f"{r['pages_per_s']:.0f}",
                f"{lat['p50']:.1f}",
                f"{lat['p90']:.1f}",
                f"{lat['p99']:.1f}",
                f"{lat['max']:.1f}",
                errs,
                f"{r['server_cpu_ms_per_page']:.1f}",
                f"{r['others_cores']:.2f}",
                verdict,
            ]
        )
    print(
        f"\nkb serve --threads {res['server_threads']}, search pages /?q=… cycling {res['paths']} queries "
        f"(page check: {res['page_check']['ok']}/{res['page_check']['of']} answered 200, median page "
        f"{res['page_check']['median_bytes'] / 1024:.0f} KiB)"
    )
    print(
        table(
            rows,
            [
                "load",
                "requests",
                "pages/s",
                "p50 ms",
                "p90 ms",
                "p99 ms",
                "max ms",
                "errors",
                "server CPU ms/page",
                "other load (cores)",
                "target",
            ],
        )
    )
    inter = res.get("interleaved")
    if inter:
        s, q = inter["static_ms"], inter["search_ms"]
        ok = inter["ratio_p50"] <= TARGET_RATIO and q["p95"] < TARGET_P95_MS
        print(
            f"\none client, interleaved ({inter['requests']} requests): static {inter['static_path']} p50 "
            f"{s['p50']:.2f} ms p95 {s['p95']:.2f} ms; search page p50 {q['p50']:.2f} ms p95 {q['p95']:.2f} ms; "
            f"ratio of p50s {inter['ratio_p50']:.1f}x (target <= {TARGET_RATIO:g}x, p95 < {TARGET_P95_MS:g} ms: "
            f"{'ok' if ok else 'MISSED'})"
        )
    mem = res.get("server_memory", {})
    if mem:
        print(
            f"server memory after the load, {mem.get('processes', 1)} process(es): PSS {mem.get('pss_mb', 0):.0f} MB "
            f"(RSS summed {mem.get('vmrss_mb', 0):.0f} MB, peak {mem.get('vmhwm_mb', 0):.0f} MB; RSS counts "
            "pages shared by forked workers once per process)"
        )


if __name__ == "__main__":
    sys.exit(main())
