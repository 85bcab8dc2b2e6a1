"""Highlight spans from the core rendered as HTML: the text escaped, each span in `<mark>`.

The core returns text and character spans (kb.search.model.Hit); only here do they become
markup, so archive text can never inject any: every piece of text goes through `html.escape`
(quotes included, so the result is safe in an attribute too).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from html import escape

from markupsafe import Markup

#: a character html.escape changes; most titles and summaries have none
_SPECIAL = re.compile("[&<>\"']")


def marked(text: str, spans: Iterable[tuple[int, int]] = ()) -> Markup:
    """`text` escaped, the [start, end) spans wrapped in `<mark>` (sorted, non-overlapping)."""
    return Markup(marked_html(text, spans))


def marked_html(text: str, spans: Iterable[tuple[int, int]] = ()) -> str:
    """`marked` as a plain str, for code that assembles a larger Markup itself."""
    esc = escape if _SPECIAL.search(text) else None  # None: nothing to escape, the pieces as they are
    out, pos = [], 0
    for start, end in spans:
        if start < pos or end <= start:  # out of order or empty: never emit broken markup
            continue
        if esc is None:
            out.append(f"{text[pos:start]}<mark>{text[start:end]}</mark>")
        else:
            out.append(f"{esc(text[pos:start])}<mark>{esc(text[start:end])}</mark>")
        pos = end
    out.append(text[pos:] if esc is None else esc(text[pos:]))
    return "".join(out)
