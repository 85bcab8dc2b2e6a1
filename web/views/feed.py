"""`/feed.xml`: an Atom feed of any search (the same parameters as `/`), newest first.

Each entry is one item: its title, the item page as link, the issue date, section, outlet and
summary. The XML comes from a template (autoescaped); `xml_text` also drops the characters XML
1.0 cannot carry at all, so an archive file with a stray control character still gives a valid feed.
"""

from __future__ import annotations

import re
from dataclasses import replace

from flask import Blueprint, Response, render_template, request, url_for

from kb.search.engine import search
from web.context import index_handle
from web.params import parse_search_args

bp = Blueprint("feed", __name__)

FEED_ENTRIES = 50
_NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@bp.get("/feed.xml")
def feed() -> Response:
    state = parse_search_args(request.args)
    state = replace(state, sort="newest", page=1, per_page=FEED_ENTRIES)
    result = search(index_handle(), state.to_request())
    page_state = replace(state, sort="relevance", per_page=20)
    body = render_template(
        "feed.xml",
        state=state,
        result=result,
        records=[hit.record for hit in result.hits],
        self_url=url_for("feed.feed", _external=True) + page_state.query_string(),
        page_url=url_for("search.index", _external=True) + page_state.query_string(),
    )
    return Response(body, mimetype="application/atom+xml")


def xml_text(value: object) -> str:
    """`value` as text without the characters XML 1.0 forbids (escaping is autoescape's job)."""
    return _NOT_XML.sub("", str(value if value is not None else ""))
