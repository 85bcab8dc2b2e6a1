"""An archived issue's markdown → safe HTML, with an anchor (`id=`record id) at every item.

Rendered with markdown-it-py (the parser the indexer uses, so line maps agree), then sanitised
with nh3: the archive holds raw `<font>`, `<img>`, `<a>` and licence HTML, and nothing from it
may run script or carry styles (the CSP forbids inline styles anyway). Bare URLs become links,
links to sibling issue files (`../x/2021-12-20.md`) point at this site's issue pages, and every
link gets rel="noopener noreferrer".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
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


def sanitize(html: str) -> str:
    """Keep only harmless tags and attributes; links get rel="noopener noreferrer"."""
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer",
        set_tag_attribute_values={"img": {"loading": "lazy"}},
        attribute_filter=_only_usable_urls,
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
    for line, anchor in sorted(anchors):
        _place_anchor(tokens, line - 1, anchor)
    for token in tokens:
        if token.type == "inline" and token.children:
            token.children = _linkify(token.children)
            _rewrite_links(token.children, issue_href)
    return sanitize(_md.renderer.render(tokens, _md.options, {}))


# -- anchors ------------------------------------------------------------------------------
def _place_anchor(tokens: list[Token], line: int, anchor: str) -> None:
    """Put `id=anchor` on the block that starts at `line` (0-based), else inside its text."""
    opening = [t for t in tokens if t.nesting == 1 and t.map and t.map[0] == line]
    opening.sort(key=lambda t: t.type != "list_item_open")
    for token in opening:
        if "id" not in (token.attrs or {}):
            token.attrSet("id", anchor)
            return
    inline = [t for t in tokens if t.type == "inline" and t.map and t.map[0] <= line < t.map[1]]
    if inline:
        target = min(inline, key=lambda t: t.map[1] - t.map[0])  # type: ignore[index]
        _anchor_in_text(target, line - target.map[0], anchor)  # type: ignore[index]
        return
    following = [t for t in tokens if t.map and t.map[0] >= line]
    if following:
        index = tokens.index(following[0])
        tokens.insert(index, _span_token("html_block", anchor))


def _anchor_in_text(inline: Token, offset: int, anchor: str) -> None:
    """Insert an empty `<span id>` at the start of the `offset`-th line of an inline token."""
    children = inline.children or []
    position, breaks = 0, 0
    while breaks < offset and position < len(children):
        if children[position].type in ("softbreak", "hardbreak"):
            breaks += 1
        position += 1
    children.insert(position, _span_token("html_inline", anchor))
    inline.children = children


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
