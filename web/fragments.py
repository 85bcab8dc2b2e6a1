"""HTML for the parts a search page repeats (the list of hits; per facet value: its link; the
chart, a bar per issue; the page links), written in Python.

A search page has 20 hits, up to 180 facet links and 40 bars. As Jinja macros and loops these
cost most of the page's template time (a frame per macro call, every value looked up and
escaped through Jinja's runtime); here the hit list, the facet blocks, the chart and the
pagination are one call each, returning `Markup`, every value from the archive or the URL
escaped. `_macros.html` keeps the record macros, as thin wrappers. May import kb.* and web's
URL modules (urls, params, marks, chart).

The parts of a record that do not depend on the query — its title link, meta line, tags and
action links — are built once per record, index generation and application root, and kept with
the generation (`IndexView.cached`; a new generation, with its own company labels, starts
empty). Only the marked title and snippet are made per hit.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from html import escape as _escape
from typing import Any, NamedTuple

from markupsafe import Markup
from markupsafe import escape as jinja_escape

from kb.records import SECTION_LABELS
from kb.search.index_view import IndexView
from kb.search.model import FacetValue, Hit, SearchResult
from web import sidebar
from web.chart import Chart
from web.marks import marked_html
from web.params import SearchState
from web.urls import Links, Urls

Record = Mapping[str, Any]
_MEANING_NOTICE = '<p class="semantic-notice" role="note">以下混入按语义找到的条目：它们不含查询词，标有“语义相近”</p>'

#: Records whose parts are kept per generation and application root (the archive has 802);
#: past that the store starts again.
RECORD_PARTS = 4096


def escape(value: object) -> str:
    """`value` as HTML text or attribute (stdlib html.escape: a plain str, no Markup per call,
    so about twice as fast as markupsafe's; a Markup value is already HTML and kept)."""
    return str(value) if isinstance(value, Markup) else _escape(str(value))


#: escape() of the few hundred strings every page repeats (facet names, values and labels, issue
#: dates and their links): a dictionary look-up instead of five replacements
_escape_value = lru_cache(maxsize=8192)(_escape)


class RecordParts(NamedTuple):
    """A record's HTML that is the same on every page listing it."""

    record: Record  # the record these parts were made from
    title_open: str  # the title's '<a href="…">'
    title: str  # the plain title, escaped (when no marked title is given)
    meta: str  # the meta line's contents: date, section, outlet, venue
    tags: str  # '<ul class="tags">…</ul>', or '' without companies, arXiv IDs and repos
    actions: str  # '<p class="actions">…</p>': its place in the issue, its item page


class Fragments:
    """The template global `fragments` of one app: record parts, the hit list, facet blocks
    and chart bars. `view()` is the generation the current request reads."""

    def __init__(self, urls: Urls, view: Callable[[], IndexView], external_url: Callable[[object], str]):
        self.urls, self.view, self.external_url = urls, view, external_url

    # -- one record -------------------------------------------------------------------
    def parts(self, r: Record, links: Links | None = None) -> RecordParts:
        """`r`'s parts, made once per generation and application root. A record is one
        object while its generation keeps it (IndexView.record), so an entry is used only
        for the very record it was made from."""
        links = links or self.urls.here()
        return self._parts(r, links, self._store(links))

    def _store(self, links: Links) -> dict[str, RecordParts]:
        return self.view().cached(("web.fragments.parts", links.root), dict)

    def _parts(self, r: Record, links: Links, store: dict[str, RecordParts]) -> RecordParts:
        parts = store.get(r["id"])
        if parts is None or parts.record is not r:
            if len(store) >= RECORD_PARTS:
                store.clear()
            parts = store[r["id"]] = self._make_parts(r, links)
        return parts

    def _make_parts(self, r: Record, links: Links) -> RecordParts:
        href = self.external_url(r.get("url"))
        if href:
            title_open = f'<a href="{escape(href)}" rel="noopener noreferrer">'
        else:
            title_open = f'<a href="{escape(links.item(r["id"]))}">'
        issue, item, rid = escape(links.issue(r["date"])), escape(links.item(r["id"])), escape(r["id"])
        return RecordParts(
            record=r,
            title_open=title_open,
            title=escape(r.get("title") or r.get("paper_title") or "(无标题)"),
            meta=self._meta(r, links),
            tags=self._tags(r, links),
            actions=f'<p class="actions"><a href="{issue}#{rid}">在期刊中查看</a> <a href="{item}">条目详情</a></p>',
        )

    @staticmethod
    def _meta(r: Record, links: Links) -> str:
        date = r["date"]
        section = SECTION_LABELS.get(r["section"], r.get("section_title") or r["section"])
        parts = [
            f'<span class="date"><a href="{escape(links.issue(date))}">{escape(date)}</a></span>',
            f'<span class="section">{escape(section)}</span>',
        ]
        if r.get("outlet"):
            parts.append(f'<span class="outlet">{escape(r["outlet"])}</span>')
        if r.get("venue"):
            parts.append(f'<span class="venue">{escape(r["venue"])}</span>')
        return "\n".join(parts)

    def _tags(self, r: Record, links: Links) -> str:
        companies, arxiv, repos = r.get("companies") or (), r.get("arxiv_ids") or (), r.get("repos") or ()
        if not (companies or arxiv or repos):
            return ""
        names = self.view().companies
        items = [
            f'<li><a class="tag company" href="{escape(links.company(c))}">{escape(names.label(c))}</a></li>'
            for c in companies
        ]
        items += [
            f'<li><a class="tag arxiv" href="https://arxiv.org/abs/{escape(a)}" rel="noopener noreferrer">'
            f"arXiv:{escape(a)}</a></li>"
            for a in arxiv
        ]
        items += [
            f'<li><a class="tag repo" href="https://github.com/{escape(repo)}" rel="noopener noreferrer">'
            f"{escape(repo)}</a></li>"
            for repo in repos
        ]
        return '<ul class="tags">\n' + "".join(items) + "\n</ul>"

    def title_link(self, r: Record, html: Markup | None = None, links: Links | None = None) -> Markup:
        """The title (or `html`, already safe: the marked title) linked to the item's URL when
        it is an http(s) one, else to its item page."""
        parts = self.parts(r, links)
        return Markup(f"{parts.title_open}{parts.title if html is None else html}</a>")

    def record_meta(self, r: Record, links: Links | None = None) -> Markup:
        return Markup(self.parts(r, links).meta)

    def record_tags(self, r: Record, links: Links | None = None) -> Markup:
        return Markup(self.parts(r, links).tags)

    # -- search hits ------------------------------------------------------------------
    def hit_body(self, hit: Hit, links: Links | None = None) -> Markup:
        """A search hit: the marked title linked, the meta line, the marked snippet, the tags,
        links to its place in the issue and to its item page."""
        links = links or self.urls.here()
        return Markup(self._hit_body(hit, self._parts(hit.record, links, self._store(links))))

    @staticmethod
    def _hit_body(hit: Hit, parts: RecordParts) -> str:
        title = marked_html(hit.title, hit.title_spans) if hit.title else parts.title
        out = [f'<h2 class="hit-title">{parts.title_open}{title}</a></h2>\n<p class="meta">{parts.meta}</p>']
        if hit.snippet:
            out.append(f'<p class="snippet">{marked_html(hit.snippet, hit.snippet_spans)}</p>')
        if parts.tags:
            out.append(parts.tags)
        out.append(parts.actions)
        return "\n".join(out)

    def hit_list(self, result: SearchResult) -> Markup:
        """The page's hits as `<ol class="hits">`. Before the first hit of each group that lacks
        some query words, a note naming them; before the first record found by meaning (the
        semantic layer), a note that such records are mixed in, and on each its tag."""
        links = self.urls.here()
        store = self._store(links)
        out = [f'<ol class="hits" start="{(result.page - 1) * result.per_page + 1:d}">\n']
        missing: list[str] | None = None  # what the last word-matched hit lacked
        meaning_noted = False
        for hit in result.hits:
            if hit.semantic:
                out.append('    <li class="hit by-meaning">\n')
                if not meaning_noted:
                    out.append(_MEANING_NOTICE)
                    meaning_noted = True
                out.append('      <p class="meaning-tag">语义相近</p>\n')
            else:
                out.append('    <li class="hit">\n')
                if hit.missing and hit.missing != missing:
                    words = "、".join(map(jinja_escape, hit.missing))  # as the template's join wrote them
                    out.append(f'<p class="partial-notice" role="note">以下结果未包含：{words}</p>')
                missing = hit.missing
            out += ["      ", self._hit_body(hit, self._parts(hit.record, links, store)), "\n    </li>\n"]
        out.append("  </ol>")
        return Markup("".join(out))

    @staticmethod
    def pagination(
        result: SearchResult, pages: Sequence[int | None], state: SearchState, search_url: str, beyond_last: bool
    ) -> Markup:
        """`<nav class="pagination">`: previous, the page numbers `pages` (None: a gap), next;
        '' when there is one page. Ends its line."""
        if result.pages <= 1:
            return Markup("")

        def href(page: int) -> str:
            return jinja_escape(search_url + state.query_string(page=page))

        out = ['  <nav class="pagination" aria-label="分页">\n']
        if result.page > 1 and not beyond_last:
            out.append(f'<a rel="prev" href="{href(result.page - 1)}">上一页</a>')
        for p in pages:
            if p is None:
                out.append('<span class="gap">…</span>\n')
            elif p == result.page:
                out.append(f'<strong aria-current="page">{p:d}</strong>\n')
            else:
                out.append(f'<a href="{href(p)}">{p:d}</a>')
        if result.page < result.pages:
            out.append(f'<a rel="next" href="{href(result.page + 1)}">下一页</a>')
        out.append("  </nav>\n")
        return Markup("".join(out))

    # -- the facet sidebar ----------------------------------------------------------------
    @staticmethod
    def facet_blocks(
        facet_lists: Mapping[str, tuple[Sequence[FacetValue], int]],
        labels: Mapping[str, str],
        toggle: Callable[[str, str], str],
    ) -> Markup:
        """A `<details class="facet">` per facet (web.sidebar.facet_blocks)."""
        return Markup(sidebar.facet_blocks(facet_lists, labels, toggle))

    @staticmethod
    def facet_link(name: str, v: FacetValue, toggle: Callable[[str, str], str]) -> Markup:
        """One sidebar value: a link that toggles it (`toggle(name, value)` gives the href)."""
        return Markup(sidebar.facet_link(name, v, toggle))

    # -- the chart --------------------------------------------------------------------
    def chart(self, chart: Chart | None, title: str) -> Markup:
        """The "matches per issue" figure: a caption that says it in words, then the SVG (bars
        linked to their issues, year labels); '' without a chart. Ends its line."""
        if chart is None:
            return Markup("")
        y = chart.height - 3
        ticks = "".join(f'<text class="tick" x="{t.x}%" y="{y:d}">{_escape_value(t.label)}</text>' for t in chart.ticks)
        caption = (
            f"{jinja_escape(title)}：{chart.issues:d} 期有匹配，最多的一期 {_escape_value(chart.peak_date)}"
            f"（{chart.peak:d} 条）；每根柱子是一期，点击打开那一期"
        )
        return Markup(
            f'<figure class="chart">\n  <figcaption id="chart-caption">{caption}</figcaption>\n'
            f'  <svg class="histogram" width="100%" height="{chart.height:d}" role="img" tabindex="0" '
            'aria-labelledby="chart-caption">\n'
            f'    <line class="axis" x1="0" y1="{chart.base:d}" x2="100%" y2="{chart.base:d}"/>\n'
            f"    {self.chart_bars(chart)}\n{ticks}  </svg>\n</figure>\n"
        )

    def chart_bars(self, chart: Chart) -> Markup:
        """The chart's bars with a match, each linked to its issue."""
        links, out = self.urls.here(), []
        for b in chart.bars:
            if b.count:
                head, middle, tail = _bar_parts(links, b.date, b.x, b.width)
                out.append(f"{head}{b.y}{middle}{b.height}{tail}{b.count:d} 条</title></rect></a>")
        return Markup("\n".join(out))


@lru_cache(maxsize=4096)
def _bar_parts(links: Links, date: str, x: float, width: float) -> tuple[str, str, str]:
    """A bar's markup before its y, between y and its height, and after, up to its count: the
    same on every chart of one generation (the issue's link, the bar's place, its width)."""
    return (
        f'<a href="{_escape(links.issue(date))}" tabindex="-1"><rect class="bar" x="{x}%" y="',
        f'" width="{width}%" height="',
        f'"><title>{_escape(date)}：',
    )
