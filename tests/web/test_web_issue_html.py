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
