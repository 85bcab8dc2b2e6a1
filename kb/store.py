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
TABLES = "tables"
KEEP_GENERATIONS = 3  # live one plus two previous, for readers still holding them
#: A superseded generation is deleted only this long after it stopped being live: a reader
#: re-reads CURRENT on every request, so it holds an old generation for one request at most.
GRACE_SECONDS = 60.0
PUBLISHED_AT = "published_at"  # manifest key: when the generation was made live (epoch seconds)


@dataclass(frozen=True)
class Generation:
    root: Path
    name: str

    @property
    def path(self) -> Path:
        return self.root / self.name

    @property
    def tables_path(self) -> Path:
        """The tables (companies, user dictionary, synonyms, glossary) this generation was built
        with, copied into it: its readers use these, not whatever the YAML files say now."""
        return self.path / TABLES

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
    manifest = {**manifest, PUBLISHED_AT: time.time()}
    _write_atomic(gen.path / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
    _write_atomic(gen.root / POINTER, gen.name + "\n")
    prune(gen.root)


def clean(root: Path) -> list[str]:
    """Remove what dead writers left: generation folders never published (a build killed before
    its pointer swap) and stray temporary pointer or manifest files. Call it holding the writer
    lock: no other writer is at work then, so whatever is unfinished is dead. Returns the names
    removed."""
    if not root.is_dir():
        return []
    live = current_generation(root)
    live_at = _published_at(live.path) if live else None
    removed = []
    for path in root.glob("gen-*"):
        if not path.is_dir() or (live and path.name == live.name):
            continue
        at = _published_at(path)
        if at is None or (live_at is not None and at > live_at):  # never made live
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path.name)
    for path in root.glob(".*.tmp"):  # _write_atomic's temporary files
        with contextlib.suppress(OSError):
            path.unlink()
            removed.append(path.name)
    return removed


def prune(root: Path, *, now: float | None = None) -> list[str]:
    """Keep the live generation and the KEEP_GENERATIONS - 1 published before it, in publication
    order (not by number); remove older ones once GRACE_SECONDS have passed since they stopped
    being live, and what dead writers left (`clean`). Call it holding the writer lock."""
    removed = clean(root)
    live = current_generation(root)
    if live is None:
        return removed
    now = time.time() if now is None else now
    published = sorted(
        ((at, path) for path in root.glob("gen-*") if path.is_dir() and (at := _published_at(path)) is not None),
        key=lambda item: (item[0], item[1].name),
    )
    order = [path for _, path in published]
    if live.path not in order:
        return removed
    kept = set(order[max(0, order.index(live.path) - (KEEP_GENERATIONS - 1)) : order.index(live.path) + 1])
    for i, path in enumerate(order):
        if path in kept:
            continue
        superseded = published[i + 1][0] if i + 1 < len(published) else now
        if now - superseded >= GRACE_SECONDS:
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path.name)
    return removed


def _published_at(path: Path) -> float | None:
    """When the generation at `path` was published (its manifest's time; older manifests: the
    file's), or None when it never was."""
    manifest = path / MANIFEST
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
        return float(data.get(PUBLISHED_AT) or manifest.stat().st_mtime)
    except (OSError, ValueError, TypeError):
        return None


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
