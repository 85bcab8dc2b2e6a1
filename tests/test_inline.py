"""Inline markdown in bounded work: markdown-it steps stay under a budget linear in the text;
a fragment over it is read as plain text, every character kept. Counts, never timings."""

from __future__ import annotations

import pytest

import indexer.inline as inline
from indexer.inline import STEPS_BASE, STEPS_PER_CHAR, parse_inline, step_budget

N = 16_000
PATHOLOGICAL = {
    "unmatched [": "[" * N,
    "unmatched ![": "![" * N,
    "unclosed labels": "[a " * N,
    "nested labels": "[" * N + "x" + "]" * N,
    "a short line of [": "[" * 200,
}
NORMAL = [
    "[2011.12289] [LBQ：一种量化方法](https://arxiv.org/abs/2011.12289) | 机器之心",
    "[Tencent/ncnn: 又一个新版本](https://github.com/Tencent/ncnn)，见 https://github.com/Tencent/ncnn/releases",
    "**粗体** *斜体* `code` <a href='https://x.org/'>链接</a> &amp; [a](https://a.org/) [b](https://b.org/)",
    "标题：[Some Paper Title](https://arxiv.org/abs/2101.00001) 代码：[repo](https://github.com/a/b)",
    "| 模型 | 精度 | 速度 |",
    "- [ ] " + "**要点** " * 60,  # a long line with much markup, as the archive has
    "-" * 500,
]


@pytest.mark.parametrize("source", PATHOLOGICAL.values(), ids=PATHOLOGICAL.keys())
def test_a_pathological_fragment_is_read_as_plain_text_within_its_budget(source, steps):
    result = parse_inline(source)
    assert result.plain_text
    assert result.text == source  # nothing lost
    # markdown-it walks ~20 positions per unmatched '[' (40 steps a character on "![" * N):
    # the budget stops it at STEPS_PER_CHAR a character, so the whole parse stays linear
    assert len(steps) <= step_budget(source) + 1 == STEPS_PER_CHAR * len(source) + STEPS_BASE + 1


@pytest.mark.parametrize("source", NORMAL)
def test_normal_fragments_are_parsed_well_inside_the_budget(source, steps):
    result = parse_inline(source)
    assert not result.plain_text
    assert len(steps) <= step_budget(source) / 2  # the archive's lines: at most a tenth


def test_the_plain_reading_keeps_markdown_links_and_bare_urls():
    source = "[" * 5000 + ' [论文](https://arxiv.org/abs/2011.12289 "t") 代码 https://github.com/a/b。'
    result = parse_inline(source)
    assert result.plain_text and result.text == source
    assert result.links == [("论文", "https://arxiv.org/abs/2011.12289"), ("", "https://github.com/a/b")]


def test_long_fragments_are_not_kept_in_the_cache():
    inline._parse_cached.cache_clear()
    parse_inline("x" * (inline._CACHED_CHARS + 1))
    parse_inline("short")
    assert inline._parse_cached.cache_info().currsize == 1
