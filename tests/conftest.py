"""Shared fixtures: a config pointing at temporary folders, and a real index of data/sample."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

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


@pytest.fixture
def config(tmp_path):
    return make_config(tmp_path)


@pytest.fixture(scope="session")
def sample_config(tmp_path_factory):
    """A real index of data/sample on disk, built once per test session."""
    from indexer.build import reindex

    tmp = tmp_path_factory.mktemp("sample")
    cfg = make_config(tmp)
    reindex(cfg)
    return cfg


@pytest.fixture(scope="session")
def sample_handle(sample_config):
    from kb.search.index_view import IndexHandle

    return IndexHandle(sample_config)


@pytest.fixture(scope="session")
def archive_dir():
    """../shared/archive; skipped with a note where it is missing, a failure in CI."""
    if ARCHIVE.is_dir() and any(ARCHIVE.glob("*.md")):
        return ARCHIVE
    if os.environ.get("CI"):
        pytest.fail(f"archive tier: {ARCHIVE} is missing in CI")
    pytest.skip(f"archive tier skipped: {ARCHIVE} not found (clone sits outside the workplace)")


def copy_tree(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    return dst
