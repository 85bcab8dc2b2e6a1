"""A crash leaves nothing behind: real `kb reindex` processes killed at random points, then the
live index still answers, the next reindex equals a full rebuild and no leftovers remain; pruning
goes by publication order and spares what readers may hold.

A few kills run by default; `KB_SLOW=1` (set by .ci/run) runs 20 of each kind.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from kbtest import SAMPLE, copy_tree

from kb import store
from kb.config import load_config
from kb.export import all_records

KB = [sys.executable, "-m", "kb.cli"]
SLOW = os.environ.get("KB_SLOW") == "1"


def kb_reindex(archive: Path, index: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [*KB, "reindex", "--quiet", "--archive", str(archive), "--index", str(index), *extra],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        cwd=index.parent,
    )


def records(index: Path) -> list[dict]:
    config = load_config(None, cwd=index.parent).replace(index=index)
    return sorted(all_records(config), key=lambda r: r["id"])


def leftovers(index: Path) -> list[str]:
    """What a dead writer could leave: unpublished generations, temporary files."""
    live = store.current_generation(index)
    live_at = store._published_at(live.path)
    out = [p.name for p in index.glob(".*.tmp")]
    for path in index.glob("gen-*"):
        at = store._published_at(path)
        if at is None or at > live_at:
            out.append(path.name)
        out += [str(p.relative_to(index)) for p in path.glob("*.tmp")]  # Whoosh's temporary segments
    return out


def edit(archive: Path, n: int) -> None:
    """Change one issue so that an incremental reindex has work to do."""
    issue = sorted(archive.glob("*.md"))[n % 3]
    issue.write_text(issue.read_text(encoding="utf-8") + f"\n\n- [追加条目 {n}](https://example.com/{n})\n", "utf-8")


@pytest.mark.parametrize("kind", ["full", "incremental"])
def test_killed_reindexes_leave_a_readable_index_and_nothing_behind(tmp_path, kind) -> None:
    trials = 20 if SLOW else 2
    archive = copy_tree(SAMPLE, tmp_path / "archive")
    index = tmp_path / "index"
    first = kb_reindex(archive, index)
    assert first.wait(timeout=300) == 0, first.stderr.read()
    rng = random.Random(f"{kind}-{trials}")
    started = time.monotonic()
    done = kb_reindex(archive, tmp_path / "timing", "--full")
    done.wait(timeout=300)
    duration = time.monotonic() - started
    killed_mid_run = 0
    expected = records(tmp_path / "timing")  # a full rebuild of the archive as it stands
    for n in range(trials):
        before = records(index)
        if kind == "incremental":  # the reindex has one changed issue to do
            edit(archive, n)
            fresh = kb_reindex(archive, tmp_path / f"fresh-{n}", "--full")
            assert fresh.wait(timeout=300) == 0
            expected = records(tmp_path / f"fresh-{n}")
        proc = kb_reindex(archive, index, *(["--full"] if kind == "full" else []))
        time.sleep(rng.uniform(0.05, duration))
        proc.send_signal(signal.SIGKILL)
        code = proc.wait(timeout=60)
        killed_mid_run += code == -signal.SIGKILL
        after_kill = records(index)  # the live index answers: the old one, or the new if it got published
        assert after_kill == before or len(after_kill) == len(before) + 1
        again = kb_reindex(archive, index)
        assert again.wait(timeout=300) == 0, again.stderr.read()
        assert not leftovers(index), leftovers(index)
        assert records(index) == expected  # the next reindex equals a full rebuild
    assert killed_mid_run >= trials // 2  # most kills landed while the writer was at work


def _gen(root: Path, name: str, published_at: float | None) -> Path:
    path = root / name
    path.mkdir(parents=True)
    if published_at is not None:
        (path / store.MANIFEST).write_text(json.dumps({store.PUBLISHED_AT: published_at}), encoding="utf-8")
    return path


def test_prune_keeps_the_live_and_previous_published_generations_by_publication_order(tmp_path) -> None:
    now = 10_000.0
    root = tmp_path / "index"
    _gen(root, "gen-000001", 100.0)  # published long ago
    _gen(root, "gen-000002", 200.0)
    _gen(root, "gen-000009", None)  # a build killed before publishing: highest number, never live
    _gen(root, "gen-000003", 300.0)
    _gen(root, "gen-000004", 400.0)  # live
    _gen(root, "gen-000005", 500.0)  # manifest written, killed before the pointer swap
    (root / store.POINTER).write_text("gen-000004\n", encoding="utf-8")
    (root / ".CURRENT.4242.tmp").write_text("gen-000005\n", encoding="utf-8")
    removed = store.prune(root, now=now)
    assert sorted(p.name for p in root.glob("gen-*")) == ["gen-000002", "gen-000003", "gen-000004"]
    assert set(removed) == {"gen-000001", "gen-000009", "gen-000005", ".CURRENT.4242.tmp"}


def test_prune_spares_a_generation_that_was_live_a_moment_ago(tmp_path) -> None:
    root = tmp_path / "index"
    for n in range(1, 6):
        _gen(root, f"gen-{n:06d}", 1000.0 + n)
    (root / store.POINTER).write_text("gen-000005\n", encoding="utf-8")
    store.prune(root, now=1005.0 + store.GRACE_SECONDS / 2)  # gens 1 and 2 stopped being live ~30 s ago
    assert sorted(p.name for p in root.glob("gen-*")) == [f"gen-{n:06d}" for n in range(1, 6)]
    store.prune(root, now=1005.0 + store.GRACE_SECONDS * 2)
    assert sorted(p.name for p in root.glob("gen-*")) == ["gen-000003", "gen-000004", "gen-000005"]
