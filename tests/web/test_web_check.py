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
    assert "识别为arXiv ID：共 1 条，" in html and "<strong>1</strong> 条已报道" in html
    assert '<span class="verdict">已报道</span>' in html and "arxiv:2201.05432" in html
    assert 'href="/issue/2022-01-10#2022-01-10-' in html
    assert "2201.05432</textarea>" in html  # the input stays in the box


def test_check_a_draft_by_post(client):
    html = client.post("/check", data={"text": DRAFT}).get_data(as_text=True)
    assert "识别为整期草稿：共 3 条，" in html and "<strong>2</strong> 条已报道" in html
    assert '<span class="verdict">未报道</span>' in html
    assert "草稿第 7 行" in html and "已与 2022-05-01 之前发布的各期比较" in html
    assert "Tencent/ncnn: 又一个新版本" in html
    assert 'class="entry covered"' in html and 'class="earlier"' in html  # the card and its list differ
    assert "格式问题" in html  # the draft's items without an outlet are named


def test_check_all_compares_with_later_issues_too(client):
    draft = DRAFT.replace("2022-05-01", "2022-01-01")
    before = client.post("/check", data={"text": draft}).get_data(as_text=True)
    assert "<strong>0</strong> 条已报道" in before  # nothing was published before 2022
    everything = client.post("/check", data={"text": draft, "all": "1"}).get_data(as_text=True)
    assert "<strong>2</strong> 条已报道" in everything and "已与所有其他期比较" in everything
    assert 'name="all" value="1" checked' in everything


def test_api_check_get_and_post(client):
    by_get = client.get("/api/check?q=https://github.com/Tencent/ncnn").get_json()
    assert by_get["query_kind"] == "repo"
    [item] = by_get["items"]
    assert item["identifiers"] == ["repo:tencent/ncnn"] and item["verdict"] == "covered"
    assert item["verdict_label"] == "已报道"
    assert all(r["date"] and r["id"] and r["title"] and r["matched"] for r in item["earlier"])

    shifted = client.post("/api/check", json={"text": "\n\n" + DRAFT}).get_json()
    assert [i["line"] for i in shifted["items"]] == [7, 9, 14]  # lines of the text as sent
    by_json = client.post("/api/check", json={"text": DRAFT}).get_json()
    assert by_json["query_kind"] == "draft" and by_json["date"] == "2022-05-01"
    assert by_json["compared_with"] == "before 2022-05-01" and by_json["counts"]["covered"] == 2
    assert [(i["line"], i["verdict"]) for i in by_json["items"]] == [(5, "covered"), (7, "new"), (12, "covered")]
    assert {w["code"] for w in by_json["warnings"]} >= {"no-outlet"} or by_json["warnings"] == []
    later = client.post("/api/check", json={"text": DRAFT.replace("2022-05-01", "2022-01-01"), "all": True})
    assert later.get_json()["compared_with"] == "all" and later.get_json()["counts"]["covered"] == 2
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
