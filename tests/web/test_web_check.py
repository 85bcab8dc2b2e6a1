"""The "already covered?" page and /api/check: identifiers, lists and whole drafts."""

from __future__ import annotations

DRAFT = """# 嵌入式AI简报 (2022-05-01) 草稿

## 论文

- [2201.05432] [LBQ 又一次](https://arxiv.org/abs/2201.05432)
摘要：重复报道的论文。
- [2205.00001] [一篇全新的论文](https://arxiv.org/abs/2205.00001)
摘要：从未报道过。

## 开源项目

- [Tencent/ncnn: 又一个新版本](https://github.com/Tencent/ncnn)
摘要：重复报道的项目。
"""


def test_check_form_is_empty_at_first(client):
    html = client.get("/check").get_data(as_text=True)
    assert '<form class="check-form" action="/check" method="post">' in html
    assert '<textarea id="text" name="text"' in html
    assert 'id="check-count"' not in html


def test_check_an_arxiv_id_by_get(client):
    html = client.get("/check?q=2201.05432").get_data(as_text=True)
    assert "识别为arXiv ID：共 1 项，其中 <strong>1</strong> 项以前报道过" in html
    assert "报道过 2 次" in html
    assert 'href="/issue/2022-01-10#2022-01-10-' in html
    assert "2201.05432</textarea>" in html  # the input stays in the box


def test_check_a_draft_by_post(client):
    html = client.post("/check", data={"text": DRAFT}).get_data(as_text=True)
    assert "识别为整期草稿：共 3 项，其中 <strong>2</strong> 项以前报道过" in html
    assert "未曾报道" in html
    assert "草稿第 7 行" in html
    assert "Tencent/ncnn: 又一个新版本" in html


def test_api_check_get_and_post(client):
    by_get = client.get("/api/check?q=https://github.com/Tencent/ncnn").get_json()
    assert by_get["query_kind"] == "repo"
    [entry] = by_get["entries"]
    assert entry["value"] == "tencent/ncnn"
    assert entry["covered"] and all(r["date"] and r["id"] and r["title"] for r in entry["covered"])

    by_json = client.post("/api/check", json={"text": DRAFT}).get_json()
    assert by_json["query_kind"] == "draft"
    assert [(e["kind"], bool(e["covered"])) for e in by_json["entries"]] == [
        ("arxiv", True),
        ("arxiv", False),
        ("repo", True),
    ]
    by_form = client.post("/api/check", data={"text": "2201.05432"}).get_json()
    assert by_form["query_kind"] == "arxiv"


def test_api_check_needs_input(client):
    for response in (client.get("/api/check"), client.post("/api/check", json={"text": " "})):
        assert response.status_code == 400
        assert "missing input" in response.get_json()["error"]
    bad = client.post("/api/check", json=["not", "an", "object"])
    assert bad.status_code == 400


def test_check_escapes_what_it_echoes(client):
    html = client.get("/check", query_string={"q": "<script>alert(1)</script>"}).get_data(as_text=True)
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
