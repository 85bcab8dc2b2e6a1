"""kb.search.highlight: matches as character spans (never markup), and the snippet window."""

from __future__ import annotations

import pytest

from kb.search.highlight import Terms, snippet, spans

SPAN_CASES = [
    # text, words, phrases, the marked substrings
    ("端侧量化推理", {"量化"}, set(), ["量化"]),
    ("Quantization of CNNs, quantized", {"quantiz"}, set(), ["Quantization", "quantized"]),
    ("8位量化，平均位宽只有8", {"量化"}, {("8", "位")}, ["8位量化"]),  # adjacent matches merge
    ("<b>量化</b> & 剪枝", {"量化", "剪枝"}, set(), ["量化", "剪枝"]),  # markup in the text is text
    ("nothing here", {"量化"}, set(), []),
    ("", {"量化"}, set(), []),
]


@pytest.mark.parametrize(("text", "words", "phrases", "marked"), SPAN_CASES)
def test_spans_cover_the_matched_words(text, words, phrases, marked) -> None:
    found = spans(text, Terms(frozenset(words), frozenset(phrases)))
    assert [text[s:e] for s, e in found] == marked
    assert list(found) == sorted(found) and all(e1 <= s2 for (_, e1), (s2, _) in zip(found, found[1:], strict=False))


def test_no_terms_no_spans() -> None:
    assert spans("量化", Terms()) == ()
    assert snippet("  端侧\n 量化 ", Terms()) == ("端侧 量化", ())


def test_snippet_is_the_densest_window_and_its_spans_point_into_it() -> None:
    text = "开头" * 100 + " 量化 剪枝 量化 " + "结尾" * 100
    excerpt, found = snippet(text, Terms(frozenset({"量化", "剪枝"})), width=40)
    assert excerpt.startswith("…") and excerpt.endswith("…")
    assert len(excerpt) == 42  # the window and the two ellipses
    assert [excerpt[s:e] for s, e in found] == ["量化", "剪枝", "量化"]


def test_snippet_cuts_a_match_at_the_window_edge() -> None:
    text = "量化" + "字" * 300
    excerpt, found = snippet(text, Terms(frozenset({"量化"})), width=20)
    assert excerpt == "量化" + "字" * 18 + "…" and found == ((0, 2),)
