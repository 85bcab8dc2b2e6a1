"""Inline markdown → plain text and links, with markdown-it's inline parser.

Bare URLs in text are found as links too (they end at spaces and CJK punctuation).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from markdown_it import MarkdownIt

BARE_URL_RE = re.compile(r"https?://[^\s<>\"'，。；;、）()【】《》“”！？\]\[]+", re.IGNORECASE)
_TRAILING = ".,:;!?'\"*_~"

_md = MarkdownIt("commonmark", {"html": True})


@dataclass
class Inline:
    text: str  # plain text
    links: list[tuple[str, str]] = field(default_factory=list)  # (label, url) in order


def clean_url(url: str) -> str:
    url = url.strip().strip("<>")
    while url and url[-1] in _TRAILING:
        url = url[:-1]
    return url


@lru_cache(maxsize=8192)
def parse_inline(source: str) -> Inline:
    """Plain text and links of one inline markdown fragment."""
    children = _md.parseInline(source)[0].children or []
    parts: list[str] = []
    links: list[tuple[str, str]] = []
    href: str | None = None
    label: list[str] = []
    for tok in children:
        if tok.type == "link_open":
            href, label = str(tok.attrGet("href") or ""), []
        elif tok.type == "link_close":
            if href is not None:
                links.append(("".join(label).strip(), href))
            href = None
        elif tok.type in ("text", "code_inline"):
            parts.append(tok.content)
            if href is not None:
                label.append(tok.content)
            else:
                links.extend(("", clean_url(u)) for u in BARE_URL_RE.findall(tok.content))
        elif tok.type in ("softbreak", "hardbreak"):
            parts.append("\n")
        elif tok.type == "image":
            parts.append(tok.content)
        elif tok.type == "html_inline":
            m = re.search(r"""href=["']([^"']+)""", tok.content)
            if m:
                links.append(("", m.group(1)))
    return Inline("".join(parts), links)


def plain(source: str) -> str:
    return parse_inline(source).text
