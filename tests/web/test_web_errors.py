"""Bad input and missing things: clear 4xx/503 answers, security headers, never a 500."""

from __future__ import annotations

import pytest

CSP = (
    "default-src 'self'; img-src 'self' data: https:; style-src 'self'; script-src 'self'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/?q=量化",
        "/?page=abc",
        "/item/nope",
        "/issues",
        "/check",
        "/api/search",
        "/api/records/nope",
        "/static/style.css",
        "/no/such/page",
    ],
)
def test_security_headers_on_every_response(client, url):
    response = client.get(url)
    assert response.headers["Content-Security-Policy"] == CSP
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"


def test_pages_have_no_inline_script_or_style(client, sample_records):
    record = sample_records[0]
    for url in (
        "/",
        "/?q=量化",
        f"/item/{record['id']}",
        f"/issue/{record['date']}",
        "/check",
        "/issues",
        "/?page=abc",
    ):
        html = client.get(url).get_data(as_text=True)
        assert "<style" not in html, url
        assert " style=" not in html, url
        assert "<script>" not in html, url
        assert " on" + "click=" not in html, url


@pytest.mark.parametrize(
    ("query", "needle"),
    [
        ("page=abc", "page 必须是不小于 1 的整数"),
        ("page=-1", "page 必须是不小于 1 的整数"),
        ("page=0", "page 必须是不小于 1 的整数"),
        ("page=1.5", "page 必须是不小于 1 的整数"),
        ("page=99999999999999", "page 太大"),
        ("per_page=0", "per_page 必须是 1 到 100 之间的整数"),
        ("per_page=101", "per_page 必须是 1 到 100 之间的整数"),
        ("per_page=x", "per_page 必须是 1 到 100 之间的整数"),
        ("sort=random", "排序方式 sort 只能是 relevance / newest / oldest"),
    ],
)
def test_bad_parameters_are_a_clear_400(client, query, needle):
    response = client.get(f"/?{query}")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert needle in html
    assert "请求有误" in html and "返回搜索首页" in html
    api = client.get(f"/api/search?{query}")
    assert api.status_code == 400
    assert needle in api.get_json()["error"]


def test_query_over_10_kb_is_refused_clearly(client):
    response = client.get("/", query_string={"q": "量" * 4000})  # 12 KB of UTF-8
    assert response.status_code == 400
    assert "查询过长" in response.get_data(as_text=True)
    api = client.get("/api/search", query_string={"q": "a" * 10241})
    assert api.status_code == 400
    assert "query too long" in api.get_json()["error"]


def test_empty_parameters_mean_the_defaults(client):
    assert client.get("/?q=&page=&per_page=&sort=&section=").status_code == 200


def test_unknown_record_is_404(client):
    response = client.get("/item/2022-01-10-0000000000")
    assert response.status_code == 404
    assert "找不到条目" in response.get_data(as_text=True)
    api = client.get("/api/records/2022-01-10-0000000000")
    assert api.status_code == 404
    assert api.get_json() == {"error": "no record with id '2022-01-10-0000000000'"}
    assert client.get("/item/" + "x" * 500).status_code == 404


def test_unknown_issue_is_404(client):
    for date in ("2099-01-01", "not-a-date", "2022-13-45"):
        response = client.get(f"/issue/{date}")
        assert response.status_code == 404
        assert "这一期" in response.get_data(as_text=True)


def test_unknown_page_and_api_route_are_404(client):
    assert client.get("/nowhere").status_code == 404
    response = client.get("/api/nowhere")
    assert response.status_code == 404
    assert "error" in response.get_json()


def test_wrong_method_is_405(client):
    response = client.post("/api/search")
    assert response.status_code == 405
    assert "error" in response.get_json()
    assert client.delete("/").status_code == 405


def test_body_over_the_cap_is_413_naming_the_cap(client):
    big = "x" * (512 * 1024 + 1)
    response = client.post("/check", data={"text": big})
    assert response.status_code == 413
    assert "提交的内容太大：最多 512 KB" in response.get_data(as_text=True)
    api = client.post("/api/check", json={"text": big})
    assert api.status_code == 413
    assert api.get_json()["error"] == "提交的内容太大：最多 512 KB (request body too large: at most 512 KB)"


def test_the_cap_is_the_config_key_max_body_kb(web_config):
    from web.app import create_app

    client = create_app(web_config.replace(max_body_kb=2048)).test_client()
    assert client.post("/api/check", json={"text": "x" * (600 * 1024)}).status_code == 200
    api = client.post("/api/check", json={"text": "x" * (2048 * 1024)})
    assert api.status_code == 413 and "at most 2 MB" in api.get_json()["error"]
    small = create_app(web_config.replace(max_body_kb=1)).test_client()
    response = small.post("/check", data={"text": "x" * 1024})
    assert response.status_code == 413 and "最多 1 KB" in response.get_data(as_text=True)


def test_missing_index_is_503_not_500(missing_client):
    for url in ("/", "/?q=量化", "/item/x", "/issue/2022-01-10", "/issues", "/check?q=2201.05432"):
        response = missing_client.get(url)
        assert response.status_code == 503, url
        html = response.get_data(as_text=True)
        assert "索引尚未建立 — run `kb reindex`" in html
    for url in ("/api/search", "/api/records/x", "/api/facets", "/api/check?q=x", "/api/issues"):
        response = missing_client.get(url)
        assert response.status_code == 503, url
        assert response.get_json()["error"].startswith("索引尚未建立 — run `kb reindex`")
    assert missing_client.get("/check").status_code == 200  # the empty form needs no index
    assert missing_client.get("/static/app.js").status_code == 200


HOSTILE = [
    "/?q=%ff%fe",
    "/?q=%00",
    "/?q=*",
    "/?q=%22unbalanced",
    "/?q=-",
    "/?q=company:",
    "/?q=date:abc",
    "/?q=arxiv:",
    "/?q=(((",
    "/?q=title:%22%22",
    "/?q=-量化",
    "/?q=github.com/",
    "/?q=https://arxiv.org/abs/",
    "/?q=%E2%80%8B",
    "/?year=99999",
    "/?venue=%20",
    "/?has=nothing",
    "/?outlet=%3Cscript%3E",
    "/?page=%00",
    "/?page=1e3",
    "/?per_page=%20",
    "/?sort=%00",
    "/item/%00",
    "/item/..%2f..%2fetc%2fpasswd",
    "/issue/..%2f..%2fetc%2fpasswd",
    "/issue/2022-01-10%00",
    "/check?q=%00",
    "/check?q=" + "x" * 3000,
    "/api/check?q=%ff",
    "/api/facets?q=(((&company=%00",
    "/api/records/%ff",
]


@pytest.mark.parametrize("url", HOSTILE)
def test_hostile_input_never_gives_a_500(client, url):
    response = client.get(url)
    assert response.status_code < 500, response.get_data(as_text=True)[:500]


def test_hostile_posts_never_give_a_500(client):
    for kwargs in (
        {"data": "{not json", "content_type": "application/json"},
        {"json": ["a", "list"]},
        {"json": {"text": 42}},
        {"json": {"text": ""}},
        {"data": {"q": "2201.05432"}},
        {"data": b"\xff\xfe\x00", "content_type": "application/octet-stream"},
    ):
        response = client.post("/api/check", **kwargs)
        assert response.status_code in (200, 400), (kwargs, response.get_data(as_text=True))
    assert client.post("/check", data={}).status_code == 200
    assert client.post("/check", data=b"\xff", content_type="text/plain").status_code == 200


def test_an_unexpected_error_is_logged_and_answered_without_a_traceback(web_config, caplog):
    from web.app import create_app

    app = create_app(web_config)

    def boom() -> str:
        raise RuntimeError("secret internal detail")

    app.add_url_rule("/boom", "boom", boom)
    app.add_url_rule("/api/boom", "api_boom", boom)
    client = app.test_client()
    response = client.get("/boom")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "服务器内部错误" in html
    assert "secret internal detail" not in html and "Traceback" not in html
    assert response.headers["Content-Security-Policy"] == CSP
    api = client.get("/api/boom")
    assert api.status_code == 500 and "secret" not in api.get_json()["error"]
    assert "unexpected error" in caplog.text
