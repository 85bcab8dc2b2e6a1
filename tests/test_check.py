"""The editor's check on a real index of fixture issues (tests/fixtures/check/): each verdict
kind, each identifier (arXiv, repo, both WeChat link forms, other links, titles), the date rules,
the draft's own published version, format warnings, and lists of lines."""

from __future__ import annotations

from pathlib import Path

import pytest
from kbtest import make_config

from indexer.check import check_text

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "check"

DRAFT = """# 嵌入式AI简报 (2023-02-20)

## 业界新闻

- [国产 5G SoC 新星虎贲T7520 驾到 | 量子位](https://example.com/news/t7520)
摘要：展锐的 5G 芯片虎贲T7520 采用 6nm EUV 工艺。
- [微信公众号长链接转载 | 芯东西](https://mp.weixin.qq.com/s?sn=abcdef0123456789&idx=1&mid=2652700001&__biz=MzA4MTQ4NjQzMw%3D%3D&scene=126&pass_ticket=x)
摘要：同一篇文章的另一种链接。
- [联发科发布天玑 9200 | 芯东西](https://example.com/news/dimensity9200)
摘要：后来一期才报道的新闻。
- [一个从未报道过的消息：某公司发布全新光子计算芯片 | 新智元](https://example.com/news/photonic)
摘要：光子计算。

## 论文

- [2302.00021] [MobileQuant 论文本身](https://arxiv.org/abs/2302.00021v2)
摘要：同一篇论文。

## 开源项目

- [fixture-org/tinyengine：发布 2.0 版本](https://github.com/fixture-org/tinyengine/releases)
摘要：同一个项目。

## 博文

- [MobileQuant 作者解读 | 机器之心](http://mp.weixin.qq.com/s/MobileQuantFixture01/?from=timeline#rd)
摘要：短链接的另一种写法。
- [端侧模型部署的十个坑 | CSDN](https://blog.csdn.net/x/article/details/1)
摘要：同一标题，另一个链接。
"""


@pytest.fixture(scope="module")
def handle(tmp_path_factory):
    from indexer.build import reindex
    from kb.search.index_view import IndexHandle

    config = make_config(tmp_path_factory.mktemp("check"), FIXTURE)
    reindex(config)
    return IndexHandle(config)


def verdicts(report) -> list[tuple[str, list[str]]]:
    return [(i.verdict, [m for e in i.earlier for m in e["matched"]]) for i in report.items]


def test_every_item_gets_a_verdict_in_the_drafts_order(handle) -> None:
    report = check_text(handle, DRAFT, name="next.md")
    assert report.date == "2023-02-20" and report.compared_with == "before 2023-02-20" and not report.left_out
    lines = [n for n, line in enumerate(DRAFT.split("\n"), 1) if line.startswith("- ")]
    assert [i.line for i in report.items] == lines
    got = verdicts(report)
    assert got[0][0] == "similar" and any("t7520" in m for m in got[0][1])  # the same launch, another outlet
    assert got[1] == (
        "covered",
        ["url:mp.weixin.qq.com/s?__biz=MzA4MTQ4NjQzMw%3D%3D&mid=2652700001&idx=1&sn=abcdef0123456789"],
    )
    assert got[2] == ("new", [])  # covered only later
    assert got[3] == ("new", [])
    assert got[4] == ("covered", ["arxiv:2302.00021"])
    assert got[5] == ("covered", ["repo:fixture-org/tinyengine"])
    assert got[6] == ("covered", ["url:mp.weixin.qq.com/s/MobileQuantFixture01"])
    assert got[7] == ("covered", ["title:端侧模型部署的十个坑"])
    assert report.count("covered") == 5 and report.count("similar") == 1 and report.count("new") == 2
    assert report.found_any


def test_a_similar_item_shows_the_earlier_one_with_its_score_and_why(handle) -> None:
    item = check_text(handle, DRAFT, name="next.md").items[0]
    [earlier] = item.earlier
    assert earlier["date"] == "2023-02-06" and "虎贲T7520" in earlier["title"]
    assert earlier["similarity"] >= 1.0 and any("t7520" in m for m in earlier["matched"])
    assert earlier["section"] == "news" and earlier["url"].startswith("https://mp.weixin.qq.com/s?__biz=")


def test_all_compares_with_later_issues_too(handle) -> None:
    report = check_text(handle, DRAFT, name="next.md", compare_all=True)
    assert report.compared_with == "all"
    dimensity = next(i for i in report.items if "天玑" in i.title)
    assert dimensity.verdict == "covered" and dimensity.earlier[0]["date"] == "2023-03-06"


def test_the_drafts_own_published_issue_is_left_out_and_said(handle) -> None:
    published = (FIXTURE / "2023-02-06.md").read_text(encoding="utf-8")
    report = check_text(handle, published, name="2023-02-06.md")
    assert report.left_out == "2023-02-06" and not report.found_any
    assert all(i.verdict == "new" for i in report.items)
    assert check_text(handle, published, name="2023-02-06.md", compare_all=True).left_out == "2023-02-06"


def test_the_date_comes_from_the_file_name_when_the_draft_has_no_h1(handle) -> None:
    body = DRAFT.split("\n", 1)[1]
    report = check_text(handle, body, name="2023-02-01.md")
    assert report.date == "2023-02-01" and report.compared_with == "before 2023-02-01"


def test_format_warnings_come_with_the_report(handle) -> None:
    news = "## 业界新闻\n\n- 一条没有链接的新闻\n摘要：z\n- [同一个链接又出现 | 芯东西](https://example.com/news/photonic/)\n摘要：w\n"
    draft = DRAFT.replace("## 业界新闻\n\n", news).replace(
        "## 论文", "## 论文\n\n- [2099.00001] [一个假编号](https://example.com/fake)\n摘要：y"
    )
    draft += "\n- [没有收尾的链接](https://example.com/a\n摘要：x\n"
    codes = {w["code"] for w in check_text(handle, draft, name="next.md").warnings}
    assert {"invalid-arxiv", "no-link", "duplicate-link", "unclosed-bracket"} <= codes
    assert all({"line", "code", "label", "message"} <= set(w) for w in check_text(handle, draft).warnings)


def test_lines_of_identifiers_and_titles(handle) -> None:
    report = check_text(
        handle,
        "2302.00021\nhttps://github.com/fixture-org/tinyengine/tree/main/src\n"
        "https://mp.weixin.qq.com/s/MobileQuantFixture01\n端侧模型部署的十个坑\n2302.99999\n",
    )
    assert report.query_kind == "list" and report.compared_with == "all"
    assert [i.verdict for i in report.items] == ["covered", "covered", "covered", "covered", "new"]
    assert [i.identifiers[0].split(":")[0] for i in report.items] == ["arxiv", "repo", "url", "title", "arxiv"]
    single = check_text(handle, "https://www.ifanr.com/1528001/")
    assert single.query_kind == "url" and single.items[0].verdict == "covered"
    assert check_text(handle, "   ").query_kind == "empty"


def test_a_long_list_is_cut_with_a_notice(handle) -> None:
    from indexer.check import MAX_ITEMS

    report = check_text(handle, "\n".join(f"标题 {n}" for n in range(MAX_ITEMS + 50)))
    assert len(report.items) == MAX_ITEMS and str(MAX_ITEMS + 50) in report.notices[0]
    assert report.to_json()["notices"] == report.notices
