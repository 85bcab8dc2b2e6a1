"""The application factory: one IndexHandle, the blueprints, error handlers, security headers.

`create_app(config)` is all a WSGI server needs. The handle is opened lazily per request
(`handle.view()`), so the app starts without an index (pages answer 503 until `kb reindex`
has run) and follows each reindex without a restart.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask import Flask, Response

from kb.config import Config
from kb.records import SECTION_LABELS
from kb.search.index_view import IndexHandle
from web import bounds, errors
from web.context import EXTENSION, URLS, index_view
from web.fragments import Fragments
from web.marks import marked
from web.urls import Urls, cached_url_for

#: Sent with every response. No inline script or style anywhere: CSS and JS are static files.
SECURITY_HEADERS: dict[str, str] = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data: https:; style-src 'self'; script-src 'self'; "
        "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}

#: " (english words)" inside a bilingual notice: " (", a lowercase letter or "-", at least two
#: words, no parentheses inside (a user's "(b)" in the notice's Chinese part stays).
_ENGLISH_GLOSS = re.compile(r" \((?=[a-z-])[^() ]+ [^()]*\)")


def create_app(config: Config, *, debug: bool = False) -> Flask:
    """A Flask app serving the search pages and the JSON API for the index in `config`."""
    from web.views import api, check, feed, pages, search

    app = Flask(__name__)
    app.config.update(DEBUG=debug, KB_CONFIG=config)
    bounds.register(app, config.max_body_kb)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.json.sort_keys = False  # type: ignore[attr-defined]  # keep EXPORT_KEYS order
    handle = app.extensions[EXTENSION] = IndexHandle(config)
    handle.embedder()  # semantic search on without its extra: a clear error now, not on a query
    for blueprint in (search.bp, pages.bp, feed.bp, check.bp, api.bp):
        app.register_blueprint(blueprint)
    errors.register(app)
    app.after_request(_security_headers)
    app.jinja_env.globals["SECTION_LABELS"] = SECTION_LABELS
    app.jinja_env.globals["company_label"] = _company_label
    app.jinja_env.filters["external_url"] = external_url
    app.jinja_env.filters["marked"] = marked
    app.jinja_env.globals["url_for"] = cached_url_for()  # one cache per app
    urls = app.jinja_env.globals["urls"] = app.extensions[URLS] = Urls()
    app.jinja_env.globals["fragments"] = Fragments(urls, index_view, external_url)
    app.jinja_env.filters["zh_notice"] = zh_notice
    app.jinja_env.globals["semantic_note"] = lambda status: semantic_note(config.semantic, status)
    app.jinja_env.filters["xml_text"] = feed.xml_text
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    return app


def external_url(url: object) -> str:
    """`url` if it is an absolute http(s) URL, else '' (no javascript: links from the archive)."""
    text = str(url or "").strip()
    try:
        parts = urlsplit(text)
    except ValueError:  # e.g. a malformed IPv6 host
        return ""
    return text if parts.scheme.lower() in ("http", "https") and parts.netloc else ""


#: What the footer says of the semantic layer, by kb.search.semantic.status (None: not searched).
SEMANTIC_NOTES = {
    "off": "语义检索未开启",
    "on": "语义检索已开启",
    "not indexed": "语义检索已开启，但当前索引没有向量：请运行 kb reindex",
    "other model": "语义检索已开启，但当前索引的向量来自另一个模型：请运行 kb reindex",
}


def semantic_note(enabled: bool, status: str | None) -> str:
    if status is None:
        status = "on" if enabled else "off"
    return SEMANTIC_NOTES.get(status, SEMANTIC_NOTES["off"])


def zh_notice(text: object) -> str:
    """A core notice for the page: its Chinese text, without the English gloss in parentheses
    that the core adds for the CLI and the JSON API (`未知字段 'x'，按普通词搜索 (unknown field…)`)."""
    return _ENGLISH_GLOSS.sub("", str(text)).strip()


def _company_label(code: str) -> str:
    return index_view().companies.label(code)


def _security_headers(response: Response) -> Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response
