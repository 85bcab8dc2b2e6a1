"""HTML for the parts a search page repeats (per hit: title link, meta line, tags; per facet
value: its link; per issue: a chart bar), written in Python.

A search page has 20 hits, up to 180 facet links and 40 bars. As Jinja macros and loops these
cost most of the page's template time (a frame per macro call, every value looked up and
escaped through Jinja's runtime); here each part is one call returning `Markup`, every value
from the archive or the URL escaped. `_macros.html` keeps the record macros, as thin wrappers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from html import escape as _escape
from typing import Any

from markupsafe import Markup

from kb.records import SECTION_LABELS
from kb.search.model import FacetValue, Hit
from web.chart import Chart
from web.marks import marked
from web.urls import Links, Urls

Record = Mapping[str, Any]
_CURRENT = ' aria-current="true"'


def escape(value: object) -> str:
    """`value` as HTML text or attribute (stdlib html.escape: a plain str, no Markup per call,
    so about twice as fast as markupsafe's; a Markup value is already HTML and kept)."""
    return str(value) if isinstance(value, Markup) else _escape(str(value))


_SELECTED_NOTE = '<span class="visually-hidden">（已选，点击取消）</span>'


class Fragments:
    """`title_link`, `record_meta`, `record_tags` for one app (template global `fragments`)."""

    def __init__(self, urls: Urls, company_label: Callable[[str], str], external_url: Callable[[object], str]):
        self.urls, self.company_label, self.external_url = urls, company_label, external_url

    def title_link(self, r: Record, html: Markup | None = None, links: Links | None = None) -> Markup:
        """The title (or `html`, already safe: the marked title) linked to the item's URL when
        it is an http(s) one, else to its item page."""
        text = html if html is not None else escape(r.get("title") or r.get("paper_title") or "(无标题)")
        href = self.external_url(r.get("url"))
        if href:
            return Markup(f'<a href="{escape(href)}" rel="noopener noreferrer">{text}</a>')
        return Markup(f'<a href="{escape((links or self.urls.here()).item(r["id"]))}">{text}</a>')

    def record_meta(self, r: Record, links: Links | None = None) -> Markup:
        date = r["date"]
        section = SECTION_LABELS.get(r["section"], r.get("section_title") or r["section"])
        parts = [
            f'<span class="date"><a href="{escape((links or self.urls.here()).issue(date))}">{escape(date)}</a></span>',
            f'<span class="section">{escape(section)}</span>',
        ]
        if r.get("outlet"):
            parts.append(f'<span class="outlet">{escape(r["outlet"])}</span>')
        if r.get("venue"):
            parts.append(f'<span class="venue">{escape(r["venue"])}</span>')
        return Markup("\n".join(parts))

    def record_tags(self, r: Record, links: Links | None = None) -> Markup:
        companies, arxiv, repos = r.get("companies") or (), r.get("arxiv_ids") or (), r.get("repos") or ()
        if not (companies or arxiv or repos):
            return Markup("")
        links = links or self.urls.here()
        items = [
            f'<li><a class="tag company" href="{escape(links.company(c))}">{escape(self.company_label(c))}</a></li>'
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
        return Markup('<ul class="tags">\n' + "".join(items) + "\n</ul>")

    def hit_body(self, hit: Hit) -> Markup:
        """A search hit: the marked title linked, the meta line, the marked snippet, the tags,
        links to its place in the issue and to its item page."""
        r, links = hit.record, self.urls.here()
        title = marked(hit.title, hit.title_spans) if hit.title else None
        parts = [
            f'<h2 class="hit-title">{self.title_link(r, title, links)}</h2>',
            f'<p class="meta">{self.record_meta(r, links)}</p>',
        ]
        if hit.snippet:
            parts.append(f'<p class="snippet">{marked(hit.snippet, hit.snippet_spans)}</p>')
        tags = self.record_tags(r, links)
        if tags:
            parts.append(tags)
        issue, item, rid = escape(links.issue(r["date"])), escape(links.item(r["id"])), escape(r["id"])
        parts.append(f'<p class="actions"><a href="{issue}#{rid}">在期刊中查看</a> <a href="{item}">条目详情</a></p>')
        return Markup("\n".join(parts))

    def facet_items(self, name: str, values: Iterable[FacetValue], toggle: Callable[[str, str], str]) -> Markup:
        """`<li>` per value, each its `facet_link`."""
        return Markup("\n".join(f"<li>{self.facet_link(name, v, toggle)}</li>" for v in values))

    def facet_link(self, name: str, v: FacetValue, toggle: Callable[[str, str], str]) -> Markup:
        """One sidebar value: a link that toggles it (`toggle(name, value)` gives the href)."""
        selected, current, note = (" selected", _CURRENT, _SELECTED_NOTE) if v.selected else ("", "", "")
        return Markup(
            f'<a class="facet-value{selected}" href="{escape(toggle(name, v.value))}" '
            f'data-facet="{escape(name)}" data-value="{escape(v.value)}"{current}>'
            f'<span class="box" aria-hidden="true"></span><span class="label">{escape(v.label)}</span>'
            f'<span class="n">{v.count:d}</span>{note}</a>'
        )

    def chart_bars(self, chart: Chart) -> Markup:
        """The chart's bars with a match, each linked to its issue."""
        links = self.urls.here()
        return Markup(
            "\n".join(
                f'<a href="{escape(links.issue(b.date))}" tabindex="-1"><rect class="bar" x="{b.x}%" y="{b.y}" '
                f'width="{b.width}%" height="{b.height}"><title>{escape(b.date)}：{b.count:d} 条</title></rect></a>'
                for b in chart.bars
                if b.count
            )
        )
