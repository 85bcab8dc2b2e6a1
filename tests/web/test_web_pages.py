"""Item and issue pages: every field, an anchor per item, sanitised archive HTML, fallbacks."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from kbweb_helpers import SAMPLE, build_index, parse_links

from kb.records import SECTION_LABELS
from web.app import create_app
from web.issue_html import render_issue

# A hand-written issue full of things the archive must never be able to do to a reader.
HOSTILE_ISSUE = """---
layout: default
---

# 嵌入式AI简报 (2022-04-01) 安全测试

> 导读：本期用于测试页面的安全处理。

## 博文

- [XSS 测试 <script>alert(1)</script>](javascript:alert(1))
摘要：<img src=x onerror=alert(1)> 正文 <script>alert(2)</script>
和 <a href="javascript:alert(3)">点我</a>，<font color=red>红字</font>。
- [正常条目：端侧推理测试](https://example.com/a)
摘要：详见 https://example.com/b ，以及[上一期](../embedded-ai-report/2022-03-01.md)与[相对链接](img/x.png)。
<div style="color:red" onclick="steal()">块</div><iframe src="https://evil.example/"></iframe>
<svg onload="alert(4)"><circle r="3"/></svg>

## 开源项目

- [example-org/safe-repo: 测试仓库](https://github.com/example-org/safe-repo)
摘要：<a rel="license" href="http://creativecommons.org/licenses/by-sa/4.0/">
<img alt="许可" style="border-width:0" src="https://i.creativecommons.org/l/by-sa/4.0/88x31.png" /></a>
"""


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory):
    base = tmp_path_factory.mktemp("hostile")
    archive = base / "archive"
    archive.mkdir()
    shutil.copy(SAMPLE / "2022-03-01.md", archive / "2022-03-01.md")
    (archive / "2022-04-01.md").write_text(HOSTILE_ISSUE, encoding="utf-8")
    config = build_index(base, archive)
    return config, create_app(config).test_client(), archive


def _article(html: str) -> str:
    return html[html.index('<article class="issue markdown">') : html.index("</article>")]


# -- item page ------------------------------------------------------------------------------
def test_item_page_shows_every_field(client, sample_records):
    record = next(r for r in sample_records if r["arxiv_ids"] and r["outlet"])
    html = client.get(f"/item/{record['id']}").get_data(as_text=True)
    for label in (
        "ID",
        "日期",
        "期刊标题",
        "栏目",
        "标题",
        "链接",
        "来源",
        "摘要",
        "arXiv",
        "代码仓库",
        "公司",
        "原文件",
        "原始 Markdown",
    ):
        assert label in html, label
    assert record["id"] in html
    assert SECTION_LABELS[record["section"]] in html
    assert f'href="/issue/{record["date"]}#{record["id"]}"' in html
    assert f'href="https://arxiv.org/abs/{record["arxiv_ids"][0]}' in html
    assert f'href="/api/records/{record["id"]}">JSON</a>' in html
    assert f"{record['source_file']}</code> 第 {record['line_start']}–" in html


def test_item_page_links_companies_to_a_facet_search(client, sample_records):
    record = next(r for r in sample_records if r["companies"])
    html = client.get(f"/item/{record['id']}").get_data(as_text=True)
    assert f'href="/?company={record["companies"][0]}"' in html


def test_item_page_shows_every_company_mentioned(client, sample_records):
    record = next(r for r in sample_records if set(r["mentions"]) - set(r["companies"]))
    html = client.get(f"/item/{record['id']}").get_data(as_text=True)
    mentions = html.split('<dd class="mentions">', 1)[1].split("</dd>", 1)[0]
    assert all(c in mentions for c in record["mentions"])


def test_item_page_lists_related_items_from_the_core(client, sample_records):
    from kb.search.related import related_records
    from web.context import index_handle

    first = min((r for r in sample_records if "2201.05432" in r["arxiv_ids"]), key=lambda r: r["date"])
    html = client.get(f"/item/{first['id']}").get_data(as_text=True)
    with client.application.app_context():
        expected = related_records(index_handle(), first["id"])
    section = html[html.index('<section class="related"') : html.index("</section>")]
    assert '<h2 id="related-title">相关条目</h2>' in section
    shown = re.findall(r'<li><a href="/item/([^"]+)">', section)
    assert shown == [r.record["id"] for r in expected] and len(shown) == 5
    assert "共同点：arXiv:2201.05432" in section  # the same paper in a later issue comes first


def test_item_page_links_the_items_before_and_after_it_in_its_issue(client, sample_records):
    issue = sorted((r for r in sample_records if r["date"] == "2022-01-10"), key=lambda r: r["line_start"])
    html = client.get(f"/item/{issue[1]['id']}").get_data(as_text=True)
    nav = html[html.index('<nav class="item-nav"') : html.index("</nav>", html.index('<nav class="item-nav"'))]
    assert f'<a rel="prev" href="/item/{issue[0]["id"]}">' in nav
    assert f'<a rel="next" href="/item/{issue[2]["id"]}">' in nav
    first = client.get(f"/item/{issue[0]['id']}").get_data(as_text=True)
    assert 'rel="prev" href="/item/' not in first and f'rel="next" href="/item/{issue[1]["id"]}"' in first


# -- issue page -----------------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(p.name for p in SAMPLE.glob("*.md")))
def test_issue_page_has_one_anchor_per_record(client, sample_records, name):
    date = name[:-3]
    records = [r for r in sample_records if r["date"] == date]
    assert records
    response = client.get(f"/issue/{date}")
    assert response.status_code == 200
    ids = parse_links(_article(response.get_data(as_text=True))).ids
    for record in records:
        assert ids.count(record["id"]) == 1, record["title"]


def test_issue_anchor_sits_on_the_item(client, sample_records):
    record = next(r for r in sample_records if r["section"] == "paper" and r["url"])
    article = _article(client.get(f"/issue/{record['date']}").get_data(as_text=True))
    start = article.index(f'id="{record["id"]}"')
    assert article[:start].rstrip().endswith("<li")
    item_html = article[start : start + 2000]
    assert record["url"] in item_html


def test_issue_page_renders_markdown_without_front_matter(client):
    html = client.get("/issue/2022-01-10").get_data(as_text=True)
    article = _article(html)
    assert "layout: default" not in article
    assert "<h1>嵌入式AI简报 (2022-01-10)" in article
    assert "<h2>论文</h2>" in article
    assert "<table>" in article
    assert 'rel="noopener noreferrer"' in article
    # bare URLs are links; links between issue files point at this site's issue pages
    assert '<a href="https://arxiv.org/abs/2110.07744" rel="noopener noreferrer">' in article
    assert 'href="/issue/2021-12-20"' in article


def test_issue_navigation_and_list(client):
    html = client.get("/issue/2022-01-24").get_data(as_text=True)
    assert 'rel="prev" href="/issue/2022-01-10"' in html
    assert 'rel="next" href="/issue/2022-02-14"' in html
    listing = client.get("/issues").get_data(as_text=True)
    assert "往期（4 期）" in listing
    for name in SAMPLE.glob("*.md"):
        assert f'href="/issue/{name.stem}"' in listing


# -- sanitising the archive -----------------------------------------------------------------
def test_archive_html_cannot_run_script(hostile):
    _, client, _ = hostile
    html = client.get("/issue/2022-04-01").get_data(as_text=True)
    article = _article(html).lower()
    for bad in (
        "<script",
        "onerror",
        "onclick",
        "onload",
        "<iframe",
        "style=",
        "<font",
        "<svg",
        'rel="license"',
        'src="x"',
    ):
        assert bad not in article, bad
    for link in parse_links(article).links:
        assert not link.get("href", "").startswith("javascript"), link
    assert "红字" in article  # the text of a stripped tag stays
    assert 'src="https://i.creativecommons.org/l/by-sa/4.0/88x31.png"' in article
    assert 'href="https://example.com/b" rel="noopener noreferrer"' in article
    assert 'href="/issue/2022-03-01"' in article  # sibling issue file → issue page
    assert "img/x.png" not in article  # other relative links are cut
    for link in parse_links(article).links:
        if link.get("href", "").startswith("http"):
            assert link["rel"] == "noopener noreferrer"


def test_archive_urls_never_become_javascript_links(hostile):
    _, client, _ = hostile
    for url in ("/?q=XSS", "/item/" + _id_of(client, "XSS")):
        html = client.get(url).get_data(as_text=True)
        for link in parse_links(html).links:
            assert not link.get("href", "").lower().startswith("javascript"), url
        assert "<script>alert" not in html


def _id_of(client, query: str) -> str:
    return client.get("/api/search", query_string={"q": query}).get_json()["results"][0]["id"]


def test_issue_file_changed_since_indexing(hostile, tmp_path):
    config, _, archive = hostile
    moved = tmp_path / "archive"
    shutil.copytree(archive, moved)
    text = (moved / "2022-03-01.md").read_text(encoding="utf-8")
    shifted = text.replace("\n## ", "\n\n> 编辑补充的一行说明。\n\n## ", 1)
    (moved / "2022-03-01.md").write_text(shifted, encoding="utf-8")
    _point_manifest(config.index, moved)
    try:
        client = create_app(config).test_client()
        html = client.get("/issue/2022-03-01").get_data(as_text=True)
        assert "在上次建立索引后有改动" in html
        records = client.get("/api/search?q=&per_page=100").get_json()["results"]
        ids = parse_links(_article(html)).ids
        assert all(r["id"] in ids for r in records if r["date"] == "2022-03-01")
    finally:
        _point_manifest(config.index, archive)


def test_issue_file_gone_is_rebuilt_from_records(hostile, tmp_path):
    config, _, archive = hostile
    _point_manifest(config.index, tmp_path / "gone")
    try:
        client = create_app(config).test_client()
        response = client.get("/issue/2022-03-01")
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        assert "已无法读取" in html
        records = client.get("/api/search?per_page=100").get_json()["results"]
        ids = parse_links(_article(html)).ids
        assert all(r["id"] in ids for r in records if r["date"] == "2022-03-01")
    finally:
        _point_manifest(config.index, archive)


def _point_manifest(index: Path, archive: Path) -> None:
    """Make the live generation's manifest name another archive folder (as after a move)."""
    import json

    gen = (index / "CURRENT").read_text(encoding="utf-8").strip()
    path = index / gen / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    manifest["archive"] = str(archive)
    path.write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")


# -- the renderer on its own ------------------------------------------------------------------
def test_anchor_on_a_lazy_continuation_line_goes_inside_the_text():
    text = "- first item\nsecond item without a dash\n- third item\n"
    html = render_issue(text, [(1, "a1"), (2, "a2"), (3, "a3")])
    assert '<li id="a1">' in html
    assert '<span id="a2"></span>second item' in html
    assert '<li id="a3">' in html


def test_anchor_on_a_paragraph_and_beyond_the_end():
    html = render_issue("para one\n\npara two\n", [(3, "p2"), (40, "late")])
    assert '<p id="p2">para two</p>' in html
    assert 'id="late"' not in html or html.count('id="late"') == 1


# -- marks on the search page ---------------------------------------------------------------
def test_search_marks_hostile_archive_text_escaped(hostile):
    """The core gives text and spans; the page escapes the text, then marks: the archive's
    <script> shows as text, and the matched words still stand in <mark>."""
    _, client, _ = hostile
    html = client.get("/", query_string={"q": "XSS 正文"}).get_data(as_text=True)
    hit = html[html.index('<ol class="hits"') : html.index("</ol>")]
    assert "<mark>XSS</mark> 测试 &lt;script&gt;alert(1)&lt;/script&gt;</a>" in hit  # the title, as text
    assert '<p class="snippet"><mark>正文</mark>' in hit
    assert "<script" not in hit
    data = client.get("/api/search", query_string={"q": "XSS 正文"}).get_json()["results"][0]
    assert [data["title"][s:e] for s, e in data["title_spans"]] == ["XSS"]  # JSON: the text as it is
    assert "<script>alert(1)</script>" in data["title"]
    assert [data["snippet"][s:e] for s, e in data["snippet_spans"]] == ["正文"]
    assert data["snippet_html"].startswith("<mark>正文</mark>")  # kept for older clients
