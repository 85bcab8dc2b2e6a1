"""Per-application state the views share: the one IndexHandle, reached through current_app."""

from __future__ import annotations

from flask import current_app, request

from kb.search.index_view import IndexHandle

EXTENSION = "kb"


def index_handle() -> IndexHandle:
    """The application's IndexHandle (its `.view()` follows reindexes without a restart)."""
    return current_app.extensions[EXTENSION]


def wants_json() -> bool:
    """True for the JSON API, whose errors are JSON too."""
    return request.path.startswith("/api/")
