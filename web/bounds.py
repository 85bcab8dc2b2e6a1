"""What a request may carry: the body cap, valid UTF-8 text, a JSON object of text.

The cap is the config key `max_body_kb`. A body whose Content-Length is over it is refused (413)
before it is read. A chunked one (no Content-Length) is read up to one byte past the cap and
refused if it gets there: werkzeug alone would stop at its MAX_CONTENT_LENGTH and silently
hand the views a truncated body. Query
strings and form bodies must be UTF-8 once percent-decoded (werkzeug would keep invalid bytes as
literal `%ED%A0%80`); a JSON body must be valid JSON, an object, and its text real Unicode (no
lone surrogate such as `\\ud800`, which Python's json accepts and no response can encode).
Every refusal is a ParamError, which web.errors answers with a 400.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import unquote_to_bytes

from flask import Flask, current_app, request
from werkzeug.exceptions import RequestEntityTooLarge

from web.params import ParamError

CAP_KEY = "KB_MAX_BODY_BYTES"
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
_SURROGATE_RE = re.compile("[\ud800-\udfff]")
_JSON_TYPES = {dict: "对象 object", list: "数组 array", str: "字符串 string", bool: "布尔值 boolean"}

NOT_UTF8 = "请求中有不是 UTF-8 的字节（如孤立的代理字符） (the query string or form is not valid UTF-8)"
LONE_SURROGATE = "文本中有孤立的代理字符，不是有效的 Unicode (the text holds a lone surrogate such as \\ud800)"
NESTED_TOO_DEEP = "JSON 嵌套太深 (the JSON is nested too deeply)"
NOT_AN_OBJECT = 'JSON 请求体应为对象 {{"text": "..."}}，收到的是{kind} (expected a JSON object {{"text": "..."}})'
TEXT_NOT_A_STRING = '"text" 应为字符串，收到的是{kind} (expected "text" to be a string)'


def register(app: Flask, max_body_kb: int) -> None:
    """Cap request bodies at `max_body_kb` and check every request's text is UTF-8."""
    limit = max_body_kb * 1024
    # werkzeug reads at most MAX_CONTENT_LENGTH bytes: one more than the cap shows a body over it
    app.config.update({CAP_KEY: limit, "MAX_CONTENT_LENGTH": limit + 1, "MAX_FORM_MEMORY_SIZE": limit})
    app.before_request(_cap_body)
    app.before_request(_require_utf8)


def body_limit() -> str:
    """The current app's body cap as people write it: '512 KB', '2 MB'."""
    kb = current_app.config.get(CAP_KEY, 0) // 1024
    return f"{kb // 1024} MB" if kb and kb % 1024 == 0 else f"{kb} KB"


def read_json_object() -> dict[str, Any]:
    """The request's JSON body as a dict, or a ParamError saying what is wrong with it."""
    data = request.get_data(cache=True)  # RequestEntityTooLarge (413) beyond the cap
    try:
        body = json.loads(data)
    except RecursionError:
        raise ParamError(NESTED_TOO_DEEP) from None
    except UnicodeDecodeError:
        raise ParamError("JSON 请求体不是 UTF-8 (the JSON body is not UTF-8)") from None
    except ValueError as exc:
        raise ParamError(f"请求体不是有效的 JSON (invalid JSON: {str(exc)[:120]})") from None
    if not isinstance(body, dict):
        raise ParamError(NOT_AN_OBJECT.format(kind=_kind(body)))
    return body


def text_field(body: dict[str, Any], name: str = "text") -> str:
    """`body[name]` as text ('' when absent); a ParamError when it is not a string."""
    value = body.get(name, "")
    if not isinstance(value, str):
        raise ParamError(TEXT_NOT_A_STRING.format(kind=_kind(value)))
    return require_unicode(value)


def require_unicode(text: str) -> str:
    """`text` unchanged, or a ParamError when it holds a lone surrogate."""
    if _SURROGATE_RE.search(text):
        raise ParamError(LONE_SURROGATE)
    return text


def _kind(value: object) -> str:
    if value is None:
        return "空值 null"
    return _JSON_TYPES.get(type(value), "数字 number")


def _cap_body() -> None:
    """Before every request: a 413 for a body over the cap, sent with or without a length."""
    limit = current_app.config[CAP_KEY]
    length = request.content_length
    chunked = length is None and "chunked" in request.headers.get("Transfer-Encoding", "").lower()
    if chunked:  # read here, at most one byte past the cap; the views get the cached bytes
        length = len(request.get_data(cache=True))
    if length is not None and length > limit:
        raise RequestEntityTooLarge()


def _require_utf8() -> None:
    """Before every request: the query string, and a urlencoded body, decode as UTF-8."""
    if not _is_utf8(request.query_string):
        raise ParamError(NOT_UTF8)
    if request.mimetype == FORM_TYPES[0] and not _is_utf8(request.get_data(cache=True)):
        raise ParamError(NOT_UTF8)


def _is_utf8(raw: bytes) -> bool:
    if raw.isascii() and b"%" not in raw:
        return True
    try:
        unquote_to_bytes(raw).decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
