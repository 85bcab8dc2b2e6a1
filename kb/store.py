"""The index folder: generations, the CURRENT pointer, the writer lock, the manifest.

Layout: `INDEX/CURRENT` names the live generation folder `INDEX/gen-NNNNNN/`, which holds a
Whoosh index and `manifest.json`. A writer builds a new generation beside the live one and
swaps CURRENT with an atomic rename, so a reader always opens a whole index, old or new, and a
crash mid-build leaves the previous generation live. `INDEX/lock` serialises writers.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kb.errors import IndexBusyError, IndexMissingError

POINTER = "CURRENT"
MANIFEST = "manifest.json"
KEEP_GENERATIONS = 3  # live one plus two previous, for readers still holding them


@dataclass(frozen=True)
class Generation:
    root: Path
    name: str

    @property
    def path(self) -> Path:
        return self.root / self.name

    def manifest(self) -> dict[str, Any]:
        try:
            return json.loads((self.path / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}


def current_generation(root: Path) -> Generation | None:
    """The live generation, or None when the folder holds no index yet."""
    try:
        name = (root / POINTER).read_text(encoding="utf-8").strip()
    except OSError:
        return None
    if not name or not (root / name / MANIFEST).is_file():
        return None
    return Generation(root, name)


def require_generation(root: Path) -> Generation:
    gen = current_generation(root)
    if gen is None:
        raise IndexMissingError(f"no index at {root}: run `kb reindex` first")
    return gen


def new_generation(root: Path) -> Generation:
    """An empty folder for the next generation (numbered after every existing one)."""
    root.mkdir(parents=True, exist_ok=True)
    numbers = [int(p.name[4:]) for p in root.glob("gen-*") if p.name[4:].isdigit()]
    name = f"gen-{max(numbers, default=0) + 1:06d}"
    (root / name).mkdir()
    return Generation(root, name)


def publish(gen: Generation, manifest: dict[str, Any]) -> None:
    """Write the manifest, then make `gen` live with an atomic rename of the pointer."""
    _write_atomic(gen.path / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
    _write_atomic(gen.root / POINTER, gen.name + "\n")
    prune(gen.root)


def prune(root: Path) -> None:
    """Remove unpublished leftovers and generations older than the last KEEP_GENERATIONS."""
    live = current_generation(root)
    gens = sorted(p for p in root.glob("gen-*") if p.is_dir())
    keep = {p.name for p in gens[-KEEP_GENERATIONS:]}
    for path in gens:
        if path.name in keep or (live and path.name == live.name):
            continue
        if not (path / MANIFEST).exists() and time.time() - path.stat().st_mtime < 3600:
            continue  # a build in progress by another process (it holds the lock anyway)
        shutil.rmtree(path, ignore_errors=True)


def discard(gen: Generation) -> None:
    shutil.rmtree(gen.path, ignore_errors=True)


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    with contextlib.suppress(OSError):
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


@contextlib.contextmanager
def writer_lock(root: Path, wait: float = 0.0, on_wait=None) -> Iterator[None]:
    """Hold the index writer lock; wait up to `wait` seconds, else IndexBusyError."""
    root.mkdir(parents=True, exist_ok=True)
    fh = open(root / "lock", "a+")  # noqa: SIM115 - held across the yield
    try:
        deadline = time.monotonic() + wait
        told = False
        while True:
            try:
                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
                if time.monotonic() >= deadline:
                    raise IndexBusyError(
                        f"another `kb reindex` is writing {root}; try again when it has finished"
                    ) from None
                if on_wait and not told:
                    on_wait()
                    told = True
                time.sleep(0.1)
        yield
    finally:
        fh.close()
