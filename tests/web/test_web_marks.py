"""web.marks: spans from the core become <mark>, the text always escaped."""

from __future__ import annotations

import pytest

from web.marks import marked

CASES = [
    # text, spans, HTML
    ("8位量化", [(0, 4)], "<mark>8位量化</mark>"),
    ("a <b> c", [(2, 5)], "a <mark>&lt;b&gt;</mark> c"),
    ("\"x\" & 'y'", [(1, 2)], "&#x27;".join(["&quot;<mark>x</mark>&quot; &amp; ", "y", ""])),
    ("<script>alert(1)</script> 量化", [(26, 28)], "&lt;script&gt;alert(1)&lt;/script&gt; <mark>量化</mark>"),
    ("no spans <i>", [], "no spans &lt;i&gt;"),
    ("abc", [(1, 1), (2, 3), (0, 2)], "ab<mark>c</mark>"),  # empty and out-of-order spans are dropped
    ("", [], ""),
]


@pytest.mark.parametrize(("text", "spans", "html"), CASES)
def test_marked(text, spans, html):
    assert marked(text, spans) == html


def test_marked_is_markup_so_jinja_does_not_escape_it_again():
    assert hasattr(marked("a", [(0, 1)]), "__html__")
