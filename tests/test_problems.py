"""Warning codes: a registry with a Chinese label per code, each code used by the indexer."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from indexer.problems import WARNING_LABELS, ParseWarning, by_line

INDEXER = Path(__file__).resolve().parent.parent / "indexer"
_CHINESE_RE = re.compile(r"[\u4e00-\u9fff]")


def test_every_code_has_a_chinese_label_and_a_stable_form() -> None:
    for code, label in WARNING_LABELS.items():
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", code), code
        assert _CHINESE_RE.search(label), code


def test_every_code_is_used_by_the_indexer() -> None:
    source = "".join(p.read_text(encoding="utf-8") for p in INDEXER.rglob("*.py") if p.name != "problems.py")
    assert [code for code in WARNING_LABELS if f'"{code}"' not in source] == []


def test_an_unknown_code_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        ParseWarning("a.md", 1, "message", "no-such-code")


def test_plain_data_and_text() -> None:
    w = ParseWarning("a.md", 12, "same item key as line 3", "duplicate-item", (3,))
    assert w.to_dict() == {
        "file": "a.md",
        "line": 12,
        "code": "duplicate-item",
        "label": WARNING_LABELS["duplicate-item"],
        "message": "same item key as line 3",
        "other_lines": [3],
    }
    assert str(w) == "a.md:12: same item key as line 3"
    assert str(ParseWarning("a.md", 0, "no date", "no-date")) == "a.md: no date"


def test_by_line_puts_whole_file_warnings_first_and_keeps_order_within_a_line() -> None:
    ws = [ParseWarning("a.md", n, m, "unplaced") for n, m in ((5, "x"), (0, "y"), (5, "z"), (2, "w"))]
    assert [w.message for w in by_line(ws)] == ["y", "w", "x", "z"]
