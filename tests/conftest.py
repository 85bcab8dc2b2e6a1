"""Shared fixtures: a config pointing at temporary folders, and a real index of data/sample."""

from __future__ import annotations

import os

import pytest
from kbtest import ARCHIVE, make_config


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


@pytest.fixture
def steps(monkeypatch) -> list[int]:
    """Counts every markdown-it step the inline parser takes (wraps the real counter: the budget
    still applies), from a cold cache."""
    import indexer.inline as inline

    taken: list[int] = []
    real = inline._spend

    def counting(state) -> None:
        taken.append(1)
        real(state)

    monkeypatch.setattr(inline, "_spend", counting)
    inline._parse_cached.cache_clear()
    return taken
