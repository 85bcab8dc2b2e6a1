"""Issue pages: every item gets its anchor however many items an issue has, and the archive's
own HTML keeps no `id` that could clash with the page's anchors."""

from __future__ import annotations

from web.issue_html import render_issue


def test_archive_html_ids_are_dropped_and_the_pages_own_are_kept() -> None:
    text = '# 嵌入式AI简报 (2022-05-01)\n\n<div id="results">x</div>\n\n## 论文\n\n- [a](https://example.com/a)\n'
    html = render_issue(text, [(7, "2022-05-01-abc")])
    assert 'id="results"' not in html and 'id="2022-05-01-abc"' in html


def test_thousands_of_items_each_get_their_anchor() -> None:
    n = 3000
    warm = "".join(f"- 公司{k}：消息{k}；\n" for k in range(n))  # warm-up bullets: anchors inside one text
    items = "".join(f"- [论文 {k}](https://example.com/p/{k})\n摘要：第 {k} 篇。\n" for k in range(n))
    text = "# 嵌入式AI简报 (2022-05-01)\n\n" + warm + "\n## 论文\n\n" + items
    anchors = [(i + 1, f"a{i}") for i, line in enumerate(text.split("\n")) if line.startswith("- ")]
    html = render_issue(text, anchors)
    assert all(f'id="{a}"' in html for _, a in anchors[:: n // 10]) and html.count('id="a') == len(anchors)


def test_an_implausibly_long_issue_page_lists_its_first_items_at_a_bounded_cost(tmp_path) -> None:
    from kbweb_helpers import build_index

    from indexer.parse import MAX_PLAUSIBLE_ITEMS
    from web.app import create_app

    archive = tmp_path / "archive"
    archive.mkdir()
    items = "".join(f"- [论文 {n}](https://example.com/p/{n})\n摘要：第 {n} 篇。\n" for n in range(1500))
    (archive / "2022-05-01.md").write_text("# 嵌入式AI简报 (2022-05-01)\n\n## 论文\n\n" + items, encoding="utf-8")
    client = create_app(build_index(tmp_path, archive)).test_client()
    html = client.get("/issue/2022-05-01").get_data(as_text=True)
    assert "有 1500 条，远多于一期简报" in html
    assert html.count('id="2022-05-01-') == MAX_PLAUSIBLE_ITEMS
