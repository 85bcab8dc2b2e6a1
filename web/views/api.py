"""The JSON API: `/api/search`, `/api/records/<id>`, `/api/check`, `/api/facets`, `/api/issues`.

Same parameters as the pages; records use kb export's keys and order (EXPORT_KEYS). Errors are
`{"error": "..."}` with a 4xx status (503 while no index exists), via web.errors.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from flask import Blueprint, abort, request

from indexer.check import check_text
from kb.search.engine import get_record, search
from kb.search.model import FACET_NAMES
from web.bounds import FORM_TYPES, read_json_object, require_unicode, text_field
from web.context import index_handle
from web.issues import list_issues
from web.marks import marked
from web.params import ParamError, is_on, parse_search_args, read_filters

bp = Blueprint("api", __name__, url_prefix="/api")

ALL_FACET_VALUES = 100_000  # /api/facets lists every value, not the sidebar's top 30


@bp.get("/search")
def api_search() -> dict[str, Any]:
    state = parse_search_args(request.args)
    wanted = state.to_request()
    wanted.semantic = request.args.get("semantic", "1") not in ("0", "false", "off")  # semantic=0: words only
    result = search(index_handle(), wanted)
    data = result.to_json()
    for item, hit in zip(data["results"], result.hits, strict=True):  # kept for older clients
        item["snippet_html"] = str(marked(hit.snippet, hit.snippet_spans))
    return data


@bp.get("/records/<record_id>")
def api_record(record_id: str) -> dict[str, Any]:
    record = get_record(index_handle(), record_id) if len(record_id) <= 80 else None
    if record is None:
        abort(404, description=f"no record with id {record_id[:80]!r}")
    return record


@bp.route("/check", methods=["GET", "POST"])
def api_check() -> dict[str, Any]:
    text, compare_all = _check_input()
    if not text.strip():
        raise ParamError('缺少要查的内容 (missing input: use ?q=… or POST {"text": …})')
    return check_text(index_handle(), text, compare_all=compare_all).to_json()


@bp.get("/facets")
def api_facets() -> dict[str, Any]:
    state = parse_search_args(request.args)
    request_ = state.to_request()
    request_.page, request_.per_page = 1, 1
    result = search(index_handle(), request_, facet_limit=ALL_FACET_VALUES)
    return {
        "total": result.total,
        "facets": {name: [asdict(v) for v in result.facets.get(name, [])] for name in FACET_NAMES},
        "filters": {name: list(values) for name, values in read_filters(request.args).items()},
    }


@bp.get("/issues")
def api_issues() -> dict[str, Any]:
    return {"issues": [asdict(i) for i in list_issues(index_handle().view())]}


def _check_input() -> tuple[str, bool]:
    """The text to check (`?q=`, a JSON body's "text", or a form's `text` or `q`) and whether to
    compare with every issue (`all=1` in the query string or form, or `"all": true` in JSON);
    the body is read once."""
    asked_all = is_on(request.args.get("all"))
    if request.method == "GET":
        return require_unicode(request.args.get("q", "")), asked_all
    if request.is_json:
        body = read_json_object()
        return text_field(body), asked_all or body.get("all") is True
    if request.mimetype in FORM_TYPES or not (request.mimetype or request.content_length):
        text = require_unicode(request.form.get("text", "") or request.form.get("q", ""))
        return text, is_on(request.args.get("all", request.form.get("all")))
    raise ParamError(
        '请求体应为 JSON {"text": …} 或表单 (Content-Type must be application/json or a form, '
        f"got {request.mimetype[:60]!r})"
    )
