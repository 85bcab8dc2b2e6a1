"""An archived issue's markdown → safe HTML, with an anchor (`id=`record id) at every item.

Rendered with markdown-it-py (the parser the indexer uses, so line maps agree), then sanitised
with nh3: the archive holds raw `<font>`, `<img>`, `<a>` and licence HTML, and nothing from it
may run script or carry styles (the CSP forbids inline styles anyway). Bare URLs become links,
links to sibling issue files (`../x/2021-12-20.md`) point at this site's issue pages, and every
link gets rel="noopener noreferrer".
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable, Set
from html import escape

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token

from indexer.parse import blank_front_matter

_md = MarkdownIt("commonmark", {"html": True}).enable("table")

ALLOWED_TAGS = frozenset(
    {
        *("a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "del", "div", "dl"),
        *("dt", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "kbd", "li", "ol"),
        *("p", "pre", "s", "small", "span", "strong", "sub", "sup", "table", "tbody", "td"),
        *("tfoot", "th", "thead", "tr", "u", "ul"),
    }
)
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    "*": {"id", "title"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "ol": {"start"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
}
URL_SCHEMES = frozenset({"http", "https", "mailto"})

_ISSUE_LINK_RE = re.compile(r"^(?!/)(?:[^:?#]*/)?(20\d{2}-\d{2}-\d{2})\.md(?:#.*)?$")
_BARE_URL_RE = re.compile(r"https?://[^\s<>()\[\]{}（）【】，。；、“”'\"]+")
_TRAILING_PUNCT = ".,;:!?*_~"
_ABSOLUTE_OR_LOCAL_RE = re.compile(r"^(?:https?://|mailto:|#|/issue/)", re.IGNORECASE)


def sanitize(html: str, keep_ids: Set[str] = frozenset()) -> str:
    """Keep only harmless tags and attributes; links get rel="noopener noreferrer". An `id` is
    kept only when it is one of the page's own anchors (`keep_ids`): the archive's HTML may not
    bring ids that clash with them."""

    def usable(tag: str, attribute: str, value: str) -> str | None:
        if attribute == "id":
            return value if value in keep_ids else None
        return _only_usable_urls(tag, attribute, value)

    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer",
        set_tag_attribute_values={"img": {"loading": "lazy"}},
        attribute_filter=usable,
        strip_comments=True,
    )


def _only_usable_urls(tag: str, attribute: str, value: str) -> str | None:
    """Drop href/src values that would not work here: relative paths into the archive."""
    if attribute not in ("href", "src"):
        return value
    if _ABSOLUTE_OR_LOCAL_RE.match(value):
        return value
    return None


def render_issue(
    text: str,
    anchors: Iterable[tuple[int, str]],
    issue_href: Callable[[str], str] = lambda date: f"/issue/{date}",
) -> str:
    """Render `text` (a whole issue file) with `id=` anchors at (1-based line, id) pairs.

    `issue_href(date)` is the URL of another issue's page, for links between issue files.
    """
    tokens = _md.parse("\n".join(blank_front_matter(text.split("\n"))))
    anchors = sorted(anchors)
    tokens = _place_anchors(tokens, [(line - 1, anchor) for line, anchor in anchors])
    for token in tokens:
        if token.type == "inline" and token.children:
            token.children = _linkify(token.children)
            _rewrite_links(token.children, issue_href)
    return sanitize(_md.renderer.render(tokens, _md.options, {}), keep_ids={a for _, a in anchors})


# -- anchors ------------------------------------------------------------------------------
def _place_anchors(tokens: list[Token], anchors: list[tuple[int, str]]) -> list[Token]:
    """Put each `id=anchor` on the block that starts at its line (0-based), else inside the text
    that holds the line, else before the next block; in one pass over the tokens (linear in the
    issue, however many items it has). Returns the token list with any inserted spans."""
    opening: dict[int, list[Token]] = {}
    inline_at: dict[int, Token] = {}  # line → the smallest inline token holding it
    starts: list[tuple[int, int]] = []  # (first line, index) of tokens with a map, in order
    for i, token in enumerate(tokens):
        if not token.map:
            continue
        starts.append((token.map[0], i))
        if token.nesting == 1:
            opening.setdefault(token.map[0], []).append(token)
        if token.type == "inline":
            for line in range(token.map[0], token.map[1]):
                held = inline_at.get(line)
                if held is None or token.map[1] - token.map[0] < held.map[1] - held.map[0]:
                    inline_at[line] = token
    in_text: dict[int, list[tuple[int, str]]] = {}  # id(inline token) → (line offset, anchor)
    before: dict[int, list[str]] = {}  # token index → anchors inserted before it
    for line, anchor in anchors:
        candidates = sorted(opening.get(line, ()), key=lambda t: t.type != "list_item_open")
        target = next((t for t in candidates if "id" not in (t.attrs or {})), None)
        if target is not None:
            target.attrSet("id", anchor)
        elif line in inline_at:
            inline = inline_at[line]
            in_text.setdefault(id(inline), []).append((line - inline.map[0], anchor))  # type: ignore[index]
        else:
            k = bisect.bisect_left(starts, (line, -1))
            if k < len(starts):
                before.setdefault(starts[k][1], []).append(anchor)
    for token in tokens:
        if id(token) in in_text:
            _anchors_in_text(token, in_text[id(token)])
    if not before:
        return tokens
    out: list[Token] = []
    for i, token in enumerate(tokens):
        out += [_span_token("html_block", a) for a in before.get(i, ())]
        out.append(token)
    return out


def _anchors_in_text(inline: Token, placed: list[tuple[int, str]]) -> None:
    """Insert an empty `<span id>` at the start of each given line of an inline token."""
    wanted: dict[int, list[str]] = {}
    for offset, anchor in placed:
        wanted.setdefault(offset, []).append(anchor)
    out: list[Token] = []
    breaks = 0
    out += [_span_token("html_inline", a) for a in wanted.pop(0, ())]
    for child in inline.children or []:
        out.append(child)
        if child.type in ("softbreak", "hardbreak"):
            breaks += 1
            out += [_span_token("html_inline", a) for a in wanted.pop(breaks, ())]
    for offset in sorted(wanted):  # past the last line break: at the end
        out += [_span_token("html_inline", a) for a in wanted[offset]]
    inline.children = out


def _span_token(kind: str, anchor: str) -> Token:
    content = f'<span id="{escape(anchor)}"></span>'
    return Token(kind, "", 0, content=content + ("\n" if kind == "html_block" else ""))


# -- links --------------------------------------------------------------------------------
def _linkify(children: list[Token]) -> list[Token]:
    """Turn bare http(s) URLs in text (outside links) into links."""
    out: list[Token] = []
    depth = 0
    for child in children:
        if child.type == "link_open":
            depth += 1
        elif child.type == "link_close":
            depth -= 1
        if child.type != "text" or depth or "http" not in child.content:
            out.append(child)
            continue
        out.extend(_split_urls(child.content))
    return out


def _split_urls(text: str) -> list[Token]:
    tokens: list[Token] = []
    last = 0
    for match in _BARE_URL_RE.finditer(text):
        url = match.group(0).rstrip(_TRAILING_PUNCT)
        start, end = match.start(), match.start() + len(url)
        if start > last:
            tokens.append(Token("text", "", 0, content=text[last:start]))
        tokens += [
            Token("link_open", "a", 1, attrs={"href": url}),
            Token("text", "", 0, content=url),
            Token("link_close", "a", -1),
        ]
        last = end
    if last < len(text):
        tokens.append(Token("text", "", 0, content=text[last:]))
    return tokens


def _rewrite_links(children: list[Token], issue_href: Callable[[str], str]) -> None:
    """Links to sibling issue files point at their issue page; other relative links are cut."""
    for child in children:
        if child.type != "link_open":
            continue
        href = str(child.attrGet("href") or "")
        if re.match(r"^(https?:|mailto:|#)", href, re.IGNORECASE):
            continue
        match = _ISSUE_LINK_RE.match(href)
        if match:
            child.attrSet("href", issue_href(match.group(1)))
        elif child.attrs:
            child.attrs.pop("href", None)
