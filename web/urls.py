"""The links a page repeats per record (issue, item, company search), built without url_for.

A search page links each of its 20 hits to its issue, its item page and its companies, and each
bar of its chart to an issue: about a hundred links at ~20 µs a `url_for` call. Here each
pattern is asked of `url_for` once per application root (`SCRIPT_NAME`) and filled in by string
operations, with the same quoting. One `Urls` per app, a template global (`urls`).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any
from urllib.parse import quote, quote_plus

from flask import request, url_for

_SLOT = "SLOT"  # a placeholder url_for leaves as it is


class Links:
    """The patterns for one application root: `search`, `feed`, `issue(date)`, `item(record_id)`,
    `company(code)`."""

    def __init__(self, root: str = "") -> None:
        self.root = root  # the application root (SCRIPT_NAME) these links are under
        self.search = url_for("search.index")
        self.feed = url_for("feed.feed")
        self._issue = url_for("pages.issue", date=_SLOT).partition(_SLOT)
        self._item = url_for("pages.item", record_id=_SLOT).partition(_SLOT)

    def issue(self, date: str) -> str:
        head, _, tail = self._issue
        return f"{head}{_segment(str(date))}{tail}"

    def item(self, record_id: str) -> str:
        head, _, tail = self._item
        return f"{head}{_segment(str(record_id))}{tail}"

    def company(self, code: str) -> str:
        """The search for items tagged with company `code`."""
        return f"{self.search}?company={quote_plus(str(code))}"


@lru_cache(maxsize=8192)
def _segment(value: str) -> str:
    """`value` quoted as one path segment, remembered: the same dates and record ids recur on
    every page (a chart links every issue)."""
    return quote(value, safe="")


class Urls:
    """`Links` for the current request's application root, built once per root."""

    def __init__(self) -> None:
        self._by_root: dict[str, Links] = {}

    def here(self) -> Links:
        root = request.script_root
        links = self._by_root.get(root)
        if links is None:
            links = self._by_root[root] = Links(root)
        return links

    @property
    def search(self) -> str:
        return self.here().search

    def issue(self, date: str) -> str:
        return self.here().issue(date)

    def item(self, record_id: str) -> str:
        return self.here().item(record_id)

    def company(self, code: str) -> str:
        return self.here().company(code)


def cached_url_for() -> Callable[..., str]:
    """`url_for` for one app's templates, remembered per application root: a page's fixed
    links (the stylesheet, the navigation, the form) cost a dictionary look-up, not a route
    build. External URLs and unhashable values go to url_for itself."""

    @lru_cache(maxsize=4096)
    def remembered(root: str, endpoint: str, values: tuple[tuple[str, Any], ...]) -> str:
        return url_for(endpoint, **dict(values))

    def template_url_for(endpoint: str, **values: Any) -> str:
        if values.get("_external") or values.get("_scheme"):
            return url_for(endpoint, **values)
        try:
            return remembered(request.script_root, endpoint, tuple(sorted(values.items())))
        except TypeError:  # an unhashable value
            return url_for(endpoint, **values)

    return template_url_for
