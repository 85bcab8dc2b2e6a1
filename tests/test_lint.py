"""Format checks: brackets, arXiv-looking IDs, duplicate links and the 导读 count, line by line."""

from __future__ import annotations

import random

from indexer.lint import COUNT_RE, bad_arxiv_ids, unclosed_brackets
from indexer.parse import parse_issue
from kb.companies import load_companies
from kb.config import DATA_DIR

COMPANIES = load_companies(DATA_DIR / "companies.yaml")


def test_unclosed_brackets_by_paragraph() -> None:
    assert unclosed_brackets(["- [a | b](https://x.org/1)", "摘要：[c](https://x.org/2", ")。"]) == []
    assert unclosed_brackets(["摘要：[c](https://x.org/2", "", ")"]) == [
        (0, "unclosed link: '](' without ')' in the item's text")
    ]
    assert unclosed_brackets(["见 [链接", "", "下文]"]) == [(0, "unclosed '[' in the item's text")]
    assert unclosed_brackets(["ShuffleNetV2]（+3.5％） (括号) `x[0` \\[转义"]) == []
    assert [o for o, _ in unclosed_brackets(["[[报道原文]](https://x.org", "[a", "b]"])] == [0]


def test_bad_arxiv_ids_once_per_line_and_tags_only_on_the_first_line() -> None:
    rows = ["- [2099.00001] [t](https://arxiv.org/abs/2099.00001)", "[2099.00002] 正文里的方括号不是标签"]
    found = bad_arxiv_ids(rows, tags=True)
    assert [offset for offset, _ in found] == [0]
    assert "2099.00001" in found[0][1] and "month 99" in found[0][1]
    assert bad_arxiv_ids(rows[:1], tags=False) == [(0, found[0][1])]  # the URL still counts
    assert bad_arxiv_ids(["- [2099.00001] 热身：tag-like text"], tags=False) == []


def test_count_variants_found_in_the_archive() -> None:
    for text, n in (
        ("本次19条。", 19),
        ("本期19条", 19),
        ("本次内容20条", 20),
        ("本期内容23条", 23),
        ("本期共 8 条", 8),
    ):
        m = COUNT_RE.search(text)
        assert m and int(m.group(1)) == n, text
    assert not COUNT_RE.search("其中4条关于BERT")


DRAFT = """# 嵌入式AI简报 (2023-06-05)

> 导读：本次3条。

## 新栏目

- [A | 芯东西](https://example.org/a)
- [B | 芯东西](HTTPS://EXAMPLE.org/a/)
"""


def test_parse_issue_warnings_are_sorted_by_line_and_name_both_lines() -> None:
    warnings = parse_issue("draft.md", DRAFT, COMPANIES).warnings
    assert [(w.line, w.code) for w in warnings] == [
        (3, "count-mismatch"),
        (5, "unknown-section"),
        (8, "duplicate-link"),
    ]
    assert warnings[2].other_lines == (7,) and "line 7" in warnings[2].message
    assert [w.to_dict()["label"] for w in warnings] == [
        "导读条数与实际条目数不符",
        "未知的栏目标题",
        "同一链接出现了两次",
    ]


def test_the_same_item_twice_is_one_warning_not_two() -> None:
    text = "# 嵌入式AI简报 (2023-06-05)\n\n## 论文\n\n- [2011.12289] [A](https://x.org/a)\n- [2011.12289] [A](https://x.org/a)\n"
    assert [(w.line, w.code) for w in parse_issue("d.md", text, COMPANIES).warnings] == [(6, "duplicate-link")]
    text = text.replace("https://x.org/a)\n", "https://x.org/b)\n", 1)
    assert [(w.line, w.code) for w in parse_issue("d.md", text, COMPANIES).warnings] == [(6, "duplicate-item")]


def test_bracket_soup_never_raises() -> None:
    rng = random.Random(7)
    pieces = [
        "[",
        "]",
        "(",
        ")",
        "](",
        "- ",
        "\n",
        "\n\n",
        "## ",
        "> 导读：本次",
        "2099.00001",
        "arxiv.org/abs/",
        "x",
        "｜",
    ]
    for _ in range(300):
        text = "# 嵌入式AI简报 (2023-06-05)\n\n## 论文\n\n" + "".join(rng.choice(pieces) for _ in range(40))
        issue = parse_issue("soup.md", text, COMPANIES)
        assert all(w.line >= 0 and w.code for w in issue.warnings)
