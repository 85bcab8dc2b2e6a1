"""The search page `/`: query box, facet sidebar, sort, pagination, chart — state in the URL."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, render_template, request, url_for

from kb.search.engine import search
from kb.search.model import FACET_LABELS, SearchResult
from web.chart import histogram_chart
from web.context import index_handle
from web.params import SORT_LABELS, SearchState, ToggleLinks, parse_search_args

bp = Blueprint("search", __name__)


@dataclass(frozen=True)
class ActiveFilter:
    facet: str
    label: str
    remove: str  # query string of the page without this value


@bp.get("/")
def index() -> str:
    state = parse_search_args(request.args)
    result = search(index_handle(), state.to_request())
    links = state.with_selected(result.selections)
    return render_template(
        "search.html",
        state=state,
        links=links,
        toggle=ToggleLinks(links, url_for("search.index")).href,
        result=result,
        facet_labels=FACET_LABELS,
        sort_labels=SORT_LABELS,
        active=active_filters(state, result),
        pages=page_window(state.page, result.pages),
        chart=histogram_chart(result.histogram),
        beyond_last=state.page > result.pages,
    )


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
