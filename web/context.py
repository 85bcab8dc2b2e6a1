"""Per-application state the views share: the one IndexHandle and the link patterns (web.urls),
reached through current_app, and the one generation a request reads."""

from __future__ import annotations

from flask import current_app, g, request

from kb.search.index_view import IndexHandle, IndexView
from web.urls import Links, Urls

EXTENSION = "kb"
URLS = "kb.urls"


def index_handle() -> IndexHandle:
    """The application's IndexHandle (its `.view()` follows reindexes without a restart)."""
    return current_app.extensions[EXTENSION]


def index_view() -> IndexView:
    """The generation this request reads, taken from the handle once per request: the search,
    the labels of its tags and the page's other parts all come from the same generation, and a
    page asks `CURRENT` once, not once per company tag."""
    view = g.get("kb_view")
    if view is None:
        view = g.kb_view = index_handle().view()
    return view


def page_links() -> Links:
    """The record and search links for this request's application root (web.urls)."""
    urls: Urls = current_app.extensions[URLS]
    return urls.here()


def wants_json() -> bool:
    """True for the JSON API, whose errors are JSON too."""
    return request.path.startswith("/api/")
