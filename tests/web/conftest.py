"""Fixtures for the web tests: real indexes on disk and Flask test clients (no mocks).

Indexes are built by indexer.build from data/sample or from a small hand-written archive;
helpers for a real `kb serve` subprocess are in kbweb_helpers.py. (tests/conftest.py belongs
to the core's tests; these fixtures have their own names so the two never collide.)
"""

from __future__ import annotations

from pathlib import Path

import pytest
from kbweb_helpers import SAMPLE, build_index

from kb.config import Config, load_config


@pytest.fixture(scope="session")
def web_config(tmp_path_factory: pytest.TempPathFactory) -> Config:
    """A real index of data/sample, built once per session."""
    return build_index(tmp_path_factory.mktemp("web-sample"), SAMPLE)


@pytest.fixture(scope="session")
def app(web_config: Config):
    from web.app import create_app

    return create_app(web_config)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def missing_client(tmp_path: Path):
    """A client of an app whose index folder holds no index yet."""
    from web.app import create_app

    config = load_config(cwd=tmp_path).replace(index=(tmp_path / "no-index").resolve())
    return create_app(config).test_client()


@pytest.fixture(scope="session")
def sample_records(client_session) -> list[dict]:
    """Every record of the sample index, newest first (through the JSON API)."""
    out, page = [], 1
    while True:
        data = client_session.get(f"/api/search?per_page=100&page={page}").get_json()
        out += data["results"]
        if page * 100 >= data["total"]:
            return out
        page += 1


@pytest.fixture(scope="session")
def client_session(app):
    return app.test_client()
