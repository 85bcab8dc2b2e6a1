"""Inline markdown → plain text and links, with markdown-it's inline parser, in bounded work.

Bare URLs in text are found as links too (they end at spaces and CJK punctuation).

markdown-it's inline parser is linear, but an unmatched `[` makes it walk up to maxNesting (20)
positions ahead looking for the label's end, so a line of `[` cost ~40 steps a character (a
300 KB line: 20 s). Each fragment therefore gets a budget of steps — a step is one position
markdown-it's rules try, or one position walked while scanning a link label — proportional to
its length: STEPS_PER_CHAR a character plus STEPS_BASE, several times what any archive line
needs. A fragment over budget is read as plain text instead (every character kept as written,
`[label](url)` and bare URLs as links) and marked `plain_text`, so the parser can say which line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline

BARE_URL_RE = re.compile(r"https?://[^\s<>\"'，。；;、）()【】《》“”！？\]\[]+", re.IGNORECASE)
_TRAILING = ".,:;!?'\"*_~"
_MD_LINK_RE = re.compile(r"\[([^\[\]\n]*+)\]\(\s*+([^\s()]*+)[^()\n]*+\)")  # possessive: linear

#: markdown-it steps a fragment may take: per character, plus a base for short fragments.
STEPS_PER_CHAR = 2
STEPS_BASE = 200
_STEPS = "kb_steps_left"  # the budget, kept in the parse's env
_CACHED_CHARS = 4096  # longer fragments are parsed, not cached (a line of the archive: < 1000)

_md = MarkdownIt("commonmark", {"html": True})


class _OverBudget(Exception):
    """Raised inside markdown-it when a fragment has used up its steps."""


def _spend(state: StateInline) -> None:
    state.env[_STEPS] -= 1
    if state.env[_STEPS] < 0:
        raise _OverBudget


def _count_step(state: StateInline, silent: bool) -> bool:
    """The first inline rule: counts the position markdown-it tries, then lets the others."""
    _spend(state)
    return False


def _counted_skip_token(state: StateInline, _skip=_md.inline.skipToken) -> None:
    """markdown-it's skipToken (one step of a link label scan), counted."""
    _spend(state)
    _skip(state)


_md.inline.ruler.before("text", "kb_count_step", _count_step)
_md.inline.skipToken = _counted_skip_token  # type: ignore[method-assign]


@dataclass
class Inline:
    text: str  # plain text
    links: list[tuple[str, str]] = field(default_factory=list)  # (label, url) in order
    plain_text: bool = False  # True: too much markup to parse in bounded work, read as written


def clean_url(url: str) -> str:
    url = url.strip().strip("<>")
    while url and url[-1] in _TRAILING:
        url = url[:-1]
    return url


def step_budget(source: str) -> int:
    """The markdown-it steps `source` may take before it is read as plain text."""
    return STEPS_PER_CHAR * len(source) + STEPS_BASE


def parse_inline(source: str) -> Inline:
    """Plain text and links of one inline markdown fragment."""
    return _parse(source) if len(source) > _CACHED_CHARS else _parse_cached(source)


def _parse(source: str) -> Inline:
    try:
        children = _md.parseInline(source, {_STEPS: step_budget(source)})[0].children or []
    except _OverBudget:
        return _plain_reading(source)
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


_parse_cached = lru_cache(maxsize=8192)(_parse)


def _plain_reading(source: str) -> Inline:
    """`source` as written, its `[label](url)` links and bare URLs: linear, nothing dropped."""
    links = [(label.strip(), url) for label, url in _MD_LINK_RE.findall(source)]
    rest = _MD_LINK_RE.sub(" ", source)
    links += [("", clean_url(u)) for u in BARE_URL_RE.findall(rest)]
    return Inline(source, links, plain_text=True)


def plain(source: str) -> str:
    return parse_inline(source).text
