"""Helpers shared by the test modules (a plain module: `conftest` names clash between folders)."""

from __future__ import annotations

import shutil
from pathlib import Path

from kb.config import load_config

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"
ARCHIVE = ROOT.parent / "shared" / "archive"


def make_config(tmp: Path, archive: Path | None = None, **extra):
    """A kb.yaml in `tmp` with the index inside `tmp` (built-in tables)."""
    lines = [f"archive: {archive or SAMPLE}", f"index: {tmp / 'index'}"]
    lines += [f"{k}: {v}" for k, v in extra.items()]
    path = tmp / "kb.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return load_config(path)


def copy_tree(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    return dst
