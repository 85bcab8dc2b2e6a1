"""Highlight spans from the core rendered as HTML: the text escaped, each span in `<mark>`.

The core returns text and character spans (kb.search.model.Hit); only here do they become
markup, so archive text can never inject any: every piece of text goes through `html.escape`
(quotes included, so the result is safe in an attribute too).
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from markupsafe import Markup


def marked(text: str, spans: Iterable[tuple[int, int]] = ()) -> Markup:
    """`text` escaped, the [start, end) spans wrapped in `<mark>` (sorted, non-overlapping)."""
    out, pos = [], 0
    for start, end in spans:
        if start < pos or end <= start:  # out of order or empty: never emit broken markup
            continue
        out += [escape(text[pos:start]), "<mark>", escape(text[start:end]), "</mark>"]
        pos = end
    out.append(escape(text[pos:]))
    return Markup("".join(out))
