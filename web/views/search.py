"""The search page `/`: query box, facet sidebar, sort, pagination, chart — state in the URL.

With no query, filter, page or sort, `/` is the front page: the latest issue and the archive's
shape (`kb.search.overview`) above the same sidebar.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, render_template, request

from kb.search.engine import search
from kb.search.model import FACET_LABELS, FacetValue, SearchResult
from kb.search.overview import archive_overview
from web.chart import histogram_chart
from web.context import index_view, page_links
from web.params import DEFAULT_SORT, SORT_LABELS, SearchState, ToggleLinks, parse_search_args

bp = Blueprint("search", __name__)

#: Facet values shown before 更多 (selected values are always shown).
FACET_TOP = 8


@dataclass(frozen=True)
class ActiveFilter:
    facet: str
    label: str
    remove: str  # query string of the page without this value


@bp.get("/")
def index() -> str:
    state = parse_search_args(request.args)
    result = search(index_view(), state.to_request())
    links = state.with_selected(result.selections)
    here = page_links()
    return render_template(
        "search.html",
        state=state,
        links=links,
        search_url=here.search,
        feed_url=here.feed + state.query_string(page=1, sort=DEFAULT_SORT),
        toggle=ToggleLinks(links, here.search).href,
        result=result,
        facet_labels=FACET_LABELS,
        sort_links=sort_links(state, links, here.search),
        active=active_filters(state, result),
        pages=page_window(state.page, result.pages),
        chart=histogram_chart(result.histogram),
        beyond_last=state.page > result.pages,
        facet_lists={name: top_first(values) for name, values in result.facets.items() if values},
        overview=archive_overview(index_view()) if is_front_page(state) else None,
    )


def is_front_page(state: SearchState) -> bool:
    """`/` with nothing asked: no query, filter, sort or page."""
    return not state.q and not state.has_filters and state.page == 1 and state.sort == DEFAULT_SORT


def sort_choices(state: SearchState) -> dict[str, str]:
    """The sort links: without a query there is no relevance to sort by (the core lists newest first)."""
    return SORT_LABELS if state.q else {k: v for k, v in SORT_LABELS.items() if k != DEFAULT_SORT}


def sort_links(state: SearchState, links: SearchState, search_url: str) -> list[tuple[str, str | None]]:
    """(label, href) per sort choice; None for the one shown (without a query, relevance is
    not offered and the list is newest first)."""
    shown = state.sort if state.q or state.sort != DEFAULT_SORT else "newest"
    return [
        (label, None if s == shown else search_url + links.query_string(sort=s, page=1))
        for s, label in sort_choices(state).items()
    ]


def top_first(values: list[FacetValue], top: int = FACET_TOP) -> tuple[list[FacetValue], int]:
    """`values` with the selected ones among the first shown, and how many to show before 更多."""
    head, tail = values[:top], values[top:]
    picked = [v for v in tail if v.selected]
    rest = [v for v in tail if not v.selected]
    return head + picked + rest, len(head) + len(picked)


def active_filters(state: SearchState, result: SearchResult) -> list[ActiveFilter]:
    """The facet values in the URL as removable chips (even values the core did not know),
    labelled as the core resolved them."""
    return [
        ActiveFilter(FACET_LABELS[s.facet], s.label, state.toggled(s.facet, s.raw).query_string())
        for s in result.selections
    ]


def page_window(page: int, pages: int, radius: int = 2) -> list[int | None]:
    """Page numbers to link around `page`: first, last, neighbours; None marks a gap."""
    wanted = {1, pages} | set(range(max(1, page - radius), min(pages, page + radius) + 1))
    out: list[int | None] = []
    for number in sorted(wanted):
        if out and number - (out[-1] or 0) > 1:
            out.append(None)
        out.append(number)
    return out
