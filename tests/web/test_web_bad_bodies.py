"""Bad bodies and hostile input, as real HTTP requests to a running `kb serve` (gunicorn).

Each is answered with a 4xx naming what is wrong (Chinese first, English in parentheses),
never a 500; a body over the cap (max_body_kb, 512 KB by default) is refused before it is
read; pathological drafts sent in parallel leave the server answering.
"""

from __future__ import annotations

import json
import threading
import time

import pytest
from kbweb_helpers import SAMPLE, build_index, http_raw, http_request, running_server

CAP = 512 * 1024
JSON = "application/json"
FORM = "application/x-www-form-urlencoded"


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("bad-bodies")
    config = build_index(tmp, SAMPLE)
    with running_server(config.index, tmp) as url:
        yield url


def _post(base: str, path: str, body: bytes, content_type: str) -> tuple[int, str]:
    return http_request(base, "POST", path, body, {"Content-Type": content_type})


def _error(status_and_body: tuple[int, str]) -> tuple[int, str]:
    status, body = status_and_body
    return status, json.loads(body)["error"]


BAD_JSON = [
    ("invalid", b"{not json", "请求体不是有效的 JSON (invalid JSON: "),
    ("empty", b"", "请求体不是有效的 JSON (invalid JSON: "),
    ("nested arrays", b"[" * 100_000, "JSON 嵌套太深 (the JSON is nested too deeply)"),
    ("nested objects", b'{"text": ' + b'{"a": ' * 50_000, "JSON 嵌套太深"),
    ("closed nesting", b"[" * 50_000 + b"]" * 50_000, "JSON 嵌套太深"),
    ("a list", b'["2011.12289"]', 'JSON 请求体应为对象 {"text": "..."}，收到的是数组 array'),
    ("a string", b'"2011.12289"', "收到的是字符串 string (expected a JSON object"),
    ("null", b"null", "收到的是空值 null"),
    ("text a number", b'{"text": 2011.12289}', '"text" 应为字符串，收到的是数字 number (expected "text" to be'),
    ("text a list", b'{"text": ["2011.12289"]}', '"text" 应为字符串，收到的是数组 array'),
    ("text null", b'{"text": null}', '"text" 应为字符串，收到的是空值 null'),
    ("a lone surrogate", rb'{"text": "\ud800"}', "文本中有孤立的代理字符，不是有效的 Unicode (the text holds a"),
    ("a lone low surrogate", rb'{"text": "2011.12289 \udfff"}', "孤立的代理字符"),
    ("a surrogate in a draft", rb'{"text": "# t\n\n## \u8bba\u6587\n\n- [a\ud800](https://x.org/)"}', "孤立的代理字符"),
    ("surrogate bytes", b'{"text": "\xed\xa0\x80"}', "孤立的代理字符"),
    ("latin-1 bytes", b'{"text": "caf\xe9"}', "JSON 请求体不是 UTF-8 (the JSON body is not UTF-8)"),
    ("a 5000-digit number", b'{"text": ' + b"1" * 5000 + b"}", "请求体不是有效的 JSON"),
]


@pytest.mark.parametrize(("body", "needle"), [case[1:] for case in BAD_JSON], ids=[case[0] for case in BAD_JSON])
def test_bad_json_is_a_400_saying_what_is_wrong(base, body, needle):
    status, error = _error(_post(base, "/api/check", body, JSON))
    assert status == 400, error
    assert needle in error


def test_a_surrogate_pair_is_one_character_and_fine(base):
    status, body = _post(base, "/api/check", rb'{"text": "\ud83d\ude00"}', JSON)
    assert status == 200 and json.loads(body)["items"][0]["title"] == "\U0001f600"


@pytest.mark.parametrize("content_type", ["text/plain", "application/octet-stream", "application/xml"])
def test_a_wrong_content_type_is_a_400(base, content_type):
    status, error = _error(_post(base, "/api/check", b"2011.12289", content_type))
    assert status == 400
    assert error == (
        f'请求体应为 JSON {{"text": …}} 或表单 (Content-Type must be application/json or a form, got {content_type!r})'
    )


NOT_UTF8 = "请求中有不是 UTF-8 的字节（如孤立的代理字符） (the query string or form is not valid UTF-8)"


@pytest.mark.parametrize("body", [b"text=%ED%A0%80", b"text=\xed\xa0\x80", b"text=caf%E9", b"q=%ff%fe"])
def test_a_form_that_is_not_utf8_is_a_400(base, body):
    assert _error(_post(base, "/api/check", body, FORM)) == (400, NOT_UTF8)
    status, html = _post(base, "/check", body, FORM)
    assert status == 400 and NOT_UTF8 in html and "请求有误" in html


@pytest.mark.parametrize("path", ["/api/search", "/api/check", "/api/facets"])
@pytest.mark.parametrize("query", ["q=%ED%A0%80", "q=%ED%B0%80x", "q=%ff%fe", "company=%C0%AF"])
def test_a_query_string_that_is_not_utf8_is_a_400(base, path, query):
    assert _error(http_request(base, "GET", f"{path}?{query}")) == (400, NOT_UTF8)


@pytest.mark.parametrize("path", ["/", "/check"])
def test_a_page_query_that_is_not_utf8_is_a_400_page(base, path):
    status, html = http_request(base, "GET", f"{path}?q=%ED%A0%80")
    assert status == 400 and NOT_UTF8 in html


@pytest.mark.parametrize("path", ["/api/search?q=", "/?q=", "/check?q=", "/api/check?q="])
def test_a_huge_query_is_refused_and_a_long_one_answered(base, path):
    for q in ("a" * 5000, "%E9%87%8F" * 2000):  # gunicorn refuses a request line over 4 KB
        assert http_request(base, "GET", path + q)[0] == 414
    for q in ("a" * 4000, "%5B" * 1300, "%E9%87%8F" * 440):  # a long title, 1300 '[', 440 量
        assert http_request(base, "GET", path + q)[0] == 200


def test_utf8_still_works_everywhere(base):
    status, body = http_request(base, "GET", "/api/search?q=%E9%87%8F%E5%8C%96")  # 量化
    assert status == 200 and json.loads(body)["total"] > 0
    status, body = _post(base, "/api/check", b"text=2201.05432", FORM)
    assert status == 200 and json.loads(body)["query_kind"] == "arxiv"
    status, html = _post(base, "/check", b"text=%E9%87%8F%E5%8C%96", FORM)
    assert status == 200 and "量化</textarea>" in html


# -- the body cap --------------------------------------------------------------------------
TOO_LARGE = "提交的内容太大：最多 512 KB (request body too large: at most 512 KB)"


def _head(path: str, content_type: str, length: str) -> bytes:
    framing = f"Content-Length: {length}" if length != "chunked" else "Transfer-Encoding: chunked"
    return f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {content_type}\r\n{framing}\r\n\r\n".encode()


def _chunks(body: bytes, size: int = 64 * 1024) -> list[bytes]:
    parts = [body[i : i + size] for i in range(0, len(body), size)]
    return [b"%x\r\n%s\r\n" % (len(part), part) for part in parts] + [b"0\r\n\r\n"]


def test_a_content_length_over_the_cap_is_refused_before_the_body_is_read(base):
    # The body never comes: a server that waited for it would not answer until the timeout.
    status, body = http_raw(base, _head("/api/check", JSON, str(100 * 1024 * 1024)), [b'{"text": "'])
    assert (status, json.loads(body)["error"]) == (413, TOO_LARGE)
    status, html = http_raw(base, _head("/check", FORM, str(CAP + 1)), [b"text="])
    assert status == 413 and TOO_LARGE in html


def test_a_body_over_the_cap_is_refused_when_sent_whole(base):
    big = b'{"text": "' + b"x" * CAP + b'"}'
    assert _error(_post(base, "/api/check", big, JSON)) == (413, TOO_LARGE)
    status, html = _post(base, "/check", b"text=" + b"x" * CAP, FORM)
    assert status == 413 and TOO_LARGE in html


@pytest.mark.parametrize(
    ("path", "content_type", "prefix"), [("/api/check", JSON, b'{"text": "'), ("/check", FORM, b"text=")]
)
def test_a_chunked_body_over_the_cap_is_refused_not_cut(base, path, content_type, prefix):
    over = prefix + b"x" * (CAP + 1 - len(prefix))
    status, body = http_raw(base, _head(path, content_type, "chunked"), _chunks(over))
    assert status == 413 and TOO_LARGE in body


def test_a_chunked_body_at_the_cap_is_read_whole(base):
    text = b"2201.05432\n" + b"x" * (CAP - 200)
    body = b'{"text": "' + text.replace(b"\n", b"\\n") + b'"}'
    body += b" " * (CAP - len(body))  # exactly the cap
    status, answer = http_raw(base, _head("/api/check", JSON, "chunked"), _chunks(body))
    assert status == 200
    items = json.loads(answer)["items"]
    assert items[0]["identifiers"] == ["arxiv:2201.05432"] and len(items[1]["title"]) == CAP - 200


# -- pathological drafts ---------------------------------------------------------------------
DRAFT_HEAD = "# 嵌入式AI简报 (2022-05-01) 草稿\n\n## 论文\n\n"
PATHOLOGICAL = {
    "unmatched brackets": "- " + "[" * 300_000,
    "unmatched image brackets": "- " + "![" * 150_000,
    "unclosed link labels": "- " + "[a " * 100_000,
    "many lines of brackets": "- x\n" + "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\n" * 10_000,
}


def _pathological_body(kind: str) -> bytes:
    return json.dumps({"text": DRAFT_HEAD + PATHOLOGICAL[kind] + "\n"}).encode()


@pytest.mark.parametrize("kind", PATHOLOGICAL)
def test_a_pathological_draft_is_answered(base, kind):
    status, body = _post(base, "/api/check", _pathological_body(kind), JSON)
    assert status == 200 and json.loads(body)["query_kind"] == "draft"


def test_eight_pathological_drafts_in_parallel_leave_search_answering(base):
    # Eight of the costliest (300 KB of "![" took 9 s each before the inline budget, so the
    # search below waited ~40 s behind them; now ~0.5 s each) fill every worker thread.
    answers: list[tuple[str, int]] = []
    body = _pathological_body("unmatched image brackets")

    def send(n: int) -> None:
        try:
            answers.append((f"body {n}", _post(base, "/api/check", body, JSON)[0]))
        except OSError as exc:  # a reset or a timeout is a failure too
            answers.append((f"body {n} ({exc})", 0))

    threads = [threading.Thread(target=send, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    try:
        time.sleep(0.2)  # the eight are being parsed: every worker thread is busy with one
        status, found = http_request(base, "GET", "/api/search?q=ncnn", timeout=30)
        assert status == 200 and json.loads(found)["total"] > 0
    finally:
        for thread in threads:
            thread.join(timeout=120)
    assert len(answers) == 8 and all(status == 200 for _, status in answers), answers
    status, found = http_request(base, "GET", "/api/search?q=ncnn", timeout=30)
    assert status == 200 and json.loads(found)["total"] > 0
