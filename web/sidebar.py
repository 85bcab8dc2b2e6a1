"""The facet sidebar's HTML: a block per facet, a link per value that toggles it (the href
from web.params.ToggleLinks), written in Python for speed like web.fragments; the parts of a
value's link that every page repeats are kept per value. May import kb.* and markupsafe."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from html import escape as _escape

from markupsafe import escape as jinja_escape

from kb.search.model import FacetValue

_CURRENT = ' aria-current="true"'
_SELECTED_END = '</span><span class="visually-hidden">（已选，点击取消）</span></a>'
_QUOTES_OR_TAGS = re.compile("[<>\"']")


def facet_blocks(
    facet_lists: Mapping[str, tuple[Sequence[FacetValue], int]],
    labels: Mapping[str, str],
    toggle: Callable[[str, str], str],
) -> str:
    """A `<details class="facet">` per facet: its first `shown` values, then the rest under
    更多; each line ends with a newline."""
    out = []
    for name, (values, shown) in facet_lists.items():
        label = jinja_escape(labels.get(name, name))
        out.append(f'  <details class="facet" open>\n    <summary>{label}</summary>\n    <ul>\n')
        for i, v in enumerate(values):
            if i == shown:
                out.append(
                    '    </ul>\n    <details class="more">\n    <summary>更多<span class="visually-hidden">'
                    f"{label}</span>（{len(values) - shown:d}）</summary>\n    <ul>\n"
                )
            out += ["      <li>", facet_link(name, v, toggle), "</li>\n"]
        out.append("    </ul>\n</details>  </details>\n" if len(values) > shown else "    </ul>\n  </details>\n")
    return "".join(out)


def facet_link(name: str, v: FacetValue, toggle: Callable[[str, str], str]) -> str:
    """One value's link, its href `toggle(name, value)`."""
    head, tail = _value_parts(name, v.value, v.label, v.selected)
    end = _SELECTED_END if v.selected else "</span></a>"
    return f"{head}{_url_attr(toggle(name, v.value))}{tail}{v.count:d}{end}"


def _url_attr(url: str) -> str:
    """escape(url) for a URL our own code encoded: without < > " ' only & needs escaping."""
    return _escape(url) if _QUOTES_OR_TAGS.search(url) else url.replace("&", "&amp;")


@lru_cache(maxsize=8192)
def _value_parts(name: str, value: str, label: str, selected: bool) -> tuple[str, str]:
    """A facet value's link before its href and between its href and its count: the same on
    every page that lists the value."""
    selected_class, current = (" selected", _CURRENT) if selected else ("", "")
    return (
        f'<a class="facet-value{selected_class}" href="',
        f'" data-facet="{_escape(name)}" data-value="{_escape(value)}"{current}>'
        f'<span class="box" aria-hidden="true"></span><span class="label">{_escape(label)}</span><span class="n">',
    )
