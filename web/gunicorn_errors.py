"""The answers gunicorn gives by itself, before the app sees a request (400 for a malformed or
raw-UTF-8 request line, 414 for one over 4 KB, 431 for too many headers): with the app's
security headers, in Chinese and English, as JSON for `/api/`.

gunicorn writes these with `gunicorn.util.write_error`; `install()` puts `write_error` below in
its place, in the `kb serve` process only.
"""

from __future__ import annotations

import json
from html import escape

import gunicorn.util

from web.app import SECURITY_HEADERS

_MESSAGES = {
    400: ("请求格式不正确", "the request is malformed"),
    414: ("网址太长：最多 4 KB", "the request line is too long: at most 4 KB"),
    431: ("请求头太多或太大", "too many or too large request headers"),
}
_RAW_BYTES = (
    "网址里有未编码的字符：请对网址做百分号编码（浏览器会自动这样做；curl 请用 -G --data-urlencode）",
    "the request line holds raw non-ASCII bytes: percent-encode the URL (browsers do; with curl use "
    "-G --data-urlencode)",
)


def message(status: int, detail: str) -> tuple[str, str]:
    """(Chinese, English) for one of gunicorn's own error answers."""
    if status == 400 and "request line" in detail.lower() and not detail.isascii():
        return _RAW_BYTES
    return _MESSAGES.get(status, ("请求无法处理", "the request cannot be handled"))


def write_error(sock, status_int: int, reason: str, mesg: str) -> None:
    """gunicorn.util.write_error's replacement: same status, the app's headers, our body."""
    zh, en = message(status_int, mesg)
    if " /api/" in mesg or mesg.startswith("/api/"):
        body = json.dumps({"error": f"{zh} ({en})"}, ensure_ascii=False).encode()
        kind = "application/json"
    else:
        page = (
            f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{status_int} {escape(zh)}</title>'
            f"</head><body><h1>{escape(zh)}</h1><p>{escape(en)}</p></body></html>"
        )
        body, kind = page.encode(), "text/html; charset=utf-8"
    headers = [f"HTTP/1.1 {status_int} {reason}", "Connection: close", f"Content-Type: {kind}"]
    headers += [f"{name}: {value}" for name, value in SECURITY_HEADERS.items()]
    headers.append(f"Content-Length: {len(body)}")
    gunicorn.util.write_nonblock(sock, ("\r\n".join(headers) + "\r\n\r\n").encode("latin-1") + body)


def install() -> None:
    gunicorn.util.write_error = write_error
