"""jieba vs rjieba on the real archive: dictionary load time (fresh process), cutting speed,
and whether both give the same tokens. Run: .venv/bin/python bench/bench_segmenter.py"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ARCHIVE = Path(__file__).resolve().parents[2] / "shared" / "archive"
LOAD = {
    "jieba": "import jieba, logging; jieba.setLogLevel(logging.ERROR); jieba.initialize()",
    "rjieba": "import rjieba; rjieba.Jieba().cut('预热')",
}


def load_seconds(name: str, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        code = f"import time; t = time.perf_counter(); {LOAD[name]}; print(time.perf_counter() - t)"
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        times.append(float(out.stdout.strip().splitlines()[-1]))
    return statistics.median(times)


def main() -> None:
    import jieba
    import rjieba

    jieba.setLogLevel(60)
    text = "\n".join(p.read_text(encoding="utf-8") for p in sorted(ARCHIVE.glob("*.md")))
    lines = [line for line in text.splitlines() if line.strip()]
    engine = rjieba.Jieba()
    jieba.lcut("预热")
    results = {"archive_kb": round(len(text.encode()) / 1024)}
    for name, cut in (("jieba", jieba.lcut), ("rjieba", engine.cut)):
        best = min(_timed(cut, lines) for _ in range(3))
        results[name] = {
            "load_s": round(load_seconds(name), 3),
            "cut_s": round(best, 3),
            "kb_per_s": round(results["archive_kb"] / best),
        }
    same = sum(jieba.lcut(line) == engine.cut(line) for line in lines)
    results["identical_lines"] = f"{same}/{len(lines)}"
    cjk = [line for line in lines if any("\u4e00" <= ch <= "\u9fff" for ch in line)]
    words = lambda toks: [t for t in toks if any("\u4e00" <= ch <= "\u9fff" for ch in t)]  # noqa: E731
    same_cjk = sum(words(jieba.lcut(line)) == words(engine.cut(line)) for line in cjk)
    results["identical_chinese_tokens_lines"] = f"{same_cjk}/{len(cjk)}"
    print(json.dumps(results, indent=1))


def _timed(cut, lines) -> float:
    start = time.perf_counter()
    for line in lines:
        cut(line)
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
