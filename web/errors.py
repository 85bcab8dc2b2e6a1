"""The one place where errors become responses: core errors, HTTP errors, the unexpected.

QueryError/KbError → 400, IndexMissingError → 503 ("索引尚未建立 — run `kb reindex`"),
HTTP errors keep their status (404, 405, 413 naming the body cap...). Pages under /api/ answer `{"error": msg}`,
the others an HTML page in Chinese. A traceback is never shown; an unexpected exception is
logged and answered with a short 500 page — inputs are validated so that none reaches it.
"""

from __future__ import annotations

from flask import Flask, current_app, jsonify, render_template
from werkzeug.exceptions import HTTPException

from kb.errors import IndexMissingError, KbError
from web.bounds import body_limit
from web.context import wants_json

INDEX_MISSING = "索引尚未建立 — run `kb reindex` (the search index has not been built yet)"

_HTTP_MESSAGES: dict[int, tuple[str, str]] = {
    400: ("请求有误", "bad request"),
    404: ("找不到这个页面", "not found"),
    405: ("不支持这种请求方法", "method not allowed"),
    413: ("提交的内容太大", "request body too large"),
}


def register(app: Flask) -> None:
    """Install the handlers on `app` (Flask picks the most specific class by MRO)."""
    app.register_error_handler(IndexMissingError, _index_missing)
    app.register_error_handler(KbError, _bad_request)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected)


def error_response(status: int, title: str, message: str, *, hint: str = ""):
    """An error as JSON (API) or as the Chinese error page, with `status`."""
    if wants_json():
        return jsonify({"error": message}), status
    page = render_template("error.html", status=status, title=title, message=message, hint=hint)
    return page, status


def _index_missing(exc: IndexMissingError):
    current_app.logger.warning("index missing: %s", exc)
    return error_response(
        503,
        "索引尚未建立",
        INDEX_MISSING,
        hint="在服务器上运行 kb reindex 建立索引后刷新本页，无需重启服务。",
    )


def _bad_request(exc: KbError):
    return error_response(400, "请求有误", str(exc))


def _http_error(exc: HTTPException):
    status = exc.code or 500
    title, english = _HTTP_MESSAGES.get(status, (exc.name, exc.name))
    message = exc.description if status == 404 and _custom(exc) else f"{title} ({english})"
    if status == 413:  # the cap is the config key max_body_kb
        limit = body_limit()
        message = f"{title}：最多 {limit} ({english}: at most {limit})"
    return error_response(status, title, message)


def _custom(exc: HTTPException) -> bool:
    """True when a view gave its own description (abort(404, description=...))."""
    return exc.description != type(exc).description


def _unexpected(exc: Exception):
    if current_app.debug:
        raise exc
    current_app.logger.exception("unexpected error")
    return error_response(
        500,
        "服务器出错了",
        "服务器内部错误，已记录日志；请稍后重试 (internal error, logged)",
    )
