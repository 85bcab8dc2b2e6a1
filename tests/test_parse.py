"""The parser on hostile drafts: work linear in the input (counted in markdown-it steps), lines
too marked-up to parse read as plain text with a warning naming file and line, nothing lost;
the linear rewrites of the H1 and footer patterns read what the old patterns read."""

from __future__ import annotations

import random
import re

import pytest

from indexer.items import PLAIN_TEXT
from indexer.parse import _FOOTER_RE, _h1_date, parse_issue
from kb.companies import load_companies
from kb.config import DATA_DIR

COMPANIES = load_companies(DATA_DIR / "companies.yaml")
HEAD = "# 嵌入式AI简报 (2022-05-01) 草稿\n\n## 论文\n\n"  # four lines: the item starts on line 5
N = 16_000
MAX_STEPS_PER_CHAR, MAX_STEPS_PER_LINE = 6, 600  # fixed here: unbounded markdown-it takes ~40 a char
DRAFTS = {
    "item line of [": "- " + "[" * N,
    "item line of ![": "- " + "![" * N,
    "body line of [": "- [t](https://x.org/)\n摘要：" + "[" * N,
    "lines of 30 [": "- x\n" + "\n".join(["[" * 30] * (N // 30)),
    "a quote of [": "> " + "[" * N,
    "links": "- x\n链接: " + "[a](http://x.cn/) " * (N // 18),
    "same item": "- [t](http://x.cn/a)\n" * (N // 20),
}


@pytest.mark.parametrize("body", DRAFTS.values(), ids=DRAFTS.keys())
def test_parsing_a_hostile_draft_takes_steps_linear_in_its_length(body, steps):
    text = HEAD + body + "\n"
    issue = parse_issue("draft.md", text, COMPANIES)
    # each line is read at most three times (first line, labelled rest, summary), each read
    # within its budget (2 a character + 200); before the budget, "![" * N took ~40 a character
    lines = text.count("\n") + 1
    assert len(steps) <= MAX_STEPS_PER_CHAR * len(text) + MAX_STEPS_PER_LINE * lines
    kept = "".join(r.raw for r in issue.records) + "".join(issue.notes)
    assert kept.count("[") == body.count("[")  # nothing lost


def test_a_line_read_as_plain_text_is_named_with_its_file_and_line():
    hostile = "- " + "[" * 3000 + " 标题\n摘要：" + "![" * 2000
    text = HEAD + "- [正常的条目](https://x.org/a)\n摘要：正常。\n" + hostile + "\n"
    issue = parse_issue("draft.md", text, COMPANIES)
    assert [str(w) for w in issue.warnings if PLAIN_TEXT in w.message] == [
        f"draft.md:7: {PLAIN_TEXT}",
        f"draft.md:8: {PLAIN_TEXT}",
    ]
    first, second = issue.records
    assert first.title == "正常的条目" and first.url == "https://x.org/a"
    assert second.title == "标题" and second.summary == "![" * 2000  # leading '[' dropped, as always
    assert second.raw == hostile


def test_headings_notes_and_unplaced_text_warn_too():
    text = "# " + "[" * 3000 + "\n\n> " + "![" * 2000 + "\n\n## 论文\n\n- x\n\n### " + "[" * 3000 + "\n"
    issue = parse_issue("2022-05-01.md", text, COMPANIES)
    lines = sorted(w.line for w in issue.warnings if PLAIN_TEXT in w.message)
    assert lines == [1, 3, 9]
    assert issue.title == "[" * 3000 and issue.notes == ["![" * 2000]


def test_the_same_item_many_times_keeps_every_one_with_its_own_id():
    issue = parse_issue("2022-05-01.md", HEAD + "- [t](http://x.cn/a)\n" * 5, COMPANIES)
    assert len({r.id for r in issue.records}) == 5
    repeats = [w for w in issue.warnings if w.code == "duplicate-link"]
    assert len(repeats) == 4 and all(w.other_lines == (5,) for w in repeats)


OLD_H1 = re.compile(r"^(?P<name>.*?)\s*[(（]\s*(?P<date>20\d{2}-\d{1,2}-\d{1,2})\s*[)）]\s*[：:]?\s*(?P<sub>.*)$")
OLD_FOOTER = re.compile(
    r"往期回顾|^\s*[-*]?\s*(Editor|Project|WeChat|Wechat|微信|公众号|知乎)|licen[sc]e|知识共享|creativecommons",
    re.IGNORECASE | re.MULTILINE,
)


def _texts(atoms: list[str], count: int, seed: int) -> list[str]:
    rnd = random.Random(seed)
    return ["".join(rnd.choice(atoms) for _ in range(rnd.randint(0, 10))) for _ in range(count)]


def test_the_h1_reading_matches_the_old_pattern():
    atoms = [" ", "\n", "\t", "\u3000", "(", "（", ")", "）", "：", ":", "2020-01-10", "2021-1-5", "20", "-", "x"]
    for title in _texts(atoms, 20_000, seed=1) + ["嵌入式AI简报 (2020-11-30)：端侧大模型", "a (2020-1-2)\nb"]:
        m = OLD_H1.match(title)
        assert _h1_date(title) == ((m.group("date"), m.group("sub")) if m else None), repr(title)


def test_the_footer_pattern_finds_what_the_old_one_found():
    atoms = [" ", "\n", "\t", "\r", "\u3000", "-", "*", "Editor", "wechat", "微信", "x", "- ", "\n\n", "licence"]
    for text in _texts(atoms, 20_000, seed=2):
        assert bool(_FOOTER_RE.search(text)) == bool(OLD_FOOTER.search(text)), repr(text)


def test_a_warmup_title_keeps_its_prefix_and_its_id() -> None:
    """The title says who the news is about; the id still hashes the text after the prefix, as it
    did before the title kept it, so the archive's ids do not move."""
    import hashlib

    from kb.identifiers import title_key

    text = "# 嵌入式AI简报 (2022-05-01)\n\n热身：\n\n- 高通：新一代骁龙平台开始向客户送样\n\n## 论文\n\n- [t](https://x.org/)\n"
    record = parse_issue("2022-05-01.md", text, COMPANIES).records[0]
    assert record.title == "高通：新一代骁龙平台开始向客户送样"
    digest = hashlib.sha1(("title:" + title_key("新一代骁龙平台开始向客户送样")).encode()).hexdigest()[:10]
    assert record.id == f"2022-05-01-{digest}"
