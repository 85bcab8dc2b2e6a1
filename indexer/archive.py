"""Where the issues come from: a folder of markdown files, or a git repository kept in sync."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from kb.errors import KbError


def issue_files(root: Path) -> list[Path]:
    """Every `*.md` under `root`, skipping hidden folders (.git), in name order. Entries that
    are not readable issue files are listed too — a FIFO, a dangling or looping symbolic link, a
    link to a folder (not followed), a folder that cannot be listed — so that reading them
    (indexer.source.read_source) turns each into a warning naming it, never a silent skip."""
    if not root.is_dir():
        raise KbError(f"archive folder not found: {root} (set `archive` in kb.yaml or pass --archive)")
    found: list[Path] = []

    def unlistable(exc: OSError) -> None:
        if exc.filename and Path(exc.filename) != root:
            found.append(Path(exc.filename))

    for folder, dirs, names in os.walk(root, onerror=unlistable, followlinks=False):
        here = Path(folder)
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for d in list(dirs):
            if (here / d).is_symlink():  # os.walk does not descend; say so
                found.append(here / d)
        found += [here / n for n in names if n.endswith(".md") and not n.startswith(".")]
    return sorted(found, key=lambda p: p.relative_to(root).as_posix())


def sync_git(url: str, dest_root: Path) -> Path:
    """Clone `url` into `dest_root/<name>` on first use, fast-forward it on later runs."""
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", url.rstrip("/").removesuffix(".git"))[-80:].strip("-.")
    dest = dest_root / (name or "archive")
    if (dest / ".git").is_dir():
        _git(["git", "-C", str(dest), "pull", "--ff-only", "--quiet"], url)
    else:
        dest_root.mkdir(parents=True, exist_ok=True)
        _git(["git", "clone", "--quiet", "--depth", "1", url, str(dest)], url)
    return dest


def _git(cmd: list[str], url: str) -> None:
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    except FileNotFoundError:
        raise KbError("git is not installed; it is needed for --git") from None
    except subprocess.TimeoutExpired:
        raise KbError(f"git timed out on {url}") from None
    if proc.returncode != 0:
        detail = (proc.stderr or proc.stdout).strip().splitlines()
        raise KbError(f"git failed on {url}: {detail[-1] if detail else 'exit ' + str(proc.returncode)}")
