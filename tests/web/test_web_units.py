"""The web layer's pure parts: URL state, parameter validation, chart geometry, URL filter."""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import urlencode

import pytest
from werkzeug.datastructures import MultiDict

from kb.search.model import FACET_NAMES, FacetSelection
from web.app import external_url
from web.chart import histogram_chart
from web.params import ParamError, SearchState, ToggleLinks, parse_search_args
from web.views.search import page_window


def test_state_round_trips_through_the_query_string():
    args = MultiDict(
        [
            ("q", " 量化  int8 "),
            ("section", "paper"),
            ("section", "code"),
            ("company", "Huawei"),
            ("sort", "newest"),
            ("page", "3"),
            ("per_page", "50"),
            ("unknown", "x"),
            ("section", "paper"),
            ("year", ""),
        ]
    )
    state = parse_search_args(args)
    assert state.q == "量化 int8"
    assert state.filters == {"section": ("paper", "code"), "company": ("Huawei",)}
    assert state.to_request().filters == {"section": ["paper", "code"], "company": ["Huawei"]}
    assert state.query_string() == (
        "?q=%E9%87%8F%E5%8C%96+int8&section=paper&section=code&company=Huawei&sort=newest&per_page=50&page=3"
    )


def test_defaults_are_left_out_of_urls():
    assert SearchState().query_string() == ""
    assert SearchState(q="x", page=1, sort="relevance", per_page=20).query_string() == "?q=x"


def test_toggling_adds_removes_and_resets_the_page():
    state = SearchState(q="x", filters={"section": ("paper",)}, page=4)
    added = state.toggled("section", "code")
    assert added.filters == {"section": ("paper", "code")} and added.page == 1
    removed = state.toggled("section", "paper")
    assert removed.filters == {} and removed.query_string() == "?q=x"
    assert state.toggled("company", "Arm").filters == {"section": ("paper",), "company": ("Arm",)}


def test_selection_is_rewritten_canonically():
    state = SearchState(filters={"company": ("华为", "bogus", "Huawei")})
    selections = [
        FacetSelection("company", "华为", "Huawei", "华为 Huawei"),
        FacetSelection("company", "bogus", None, "bogus"),
        FacetSelection("company", "Huawei", "Huawei", "华为 Huawei"),
    ]
    assert state.with_selected(selections).filters == {"company": ("Huawei",)}


TOGGLE_STATES = [
    SearchState(),
    SearchState(q="量化 & int8", sort="newest", per_page=50, page=3),
    SearchState(q="x", filters={"section": ("paper", "code"), "company": ("Huawei",), "venue": ("CVPR 2020",)}),
    SearchState(filters={"outlet": ("机器之心", "a=b&c+d")}, sort="oldest"),
]


@pytest.mark.parametrize("state", TOGGLE_STATES)
def test_toggle_links_equal_the_slow_way(state):
    """ToggleLinks encodes once per page what `toggled(...).query_string()` encodes per link."""
    href = ToggleLinks(state, "/").href
    for name in FACET_NAMES:
        for value in [*state.filters.get(name, ()), "paper", "华为 Huawei", "a/b?c#d%", " "]:
            assert href(name, value) == "/" + (state.toggled(name, value).query_string() or "")


@pytest.mark.parametrize("state", TOGGLE_STATES)
def test_query_string_equals_urlencode_of_the_changed_state(state):
    """query_string(**changes) encodes the query and filters once per state; the same string."""
    for changes in (
        {},
        {"page": 1},
        {"page": 7},
        {"sort": "newest", "page": 1},
        {"sort": "relevance"},
        {"per_page": 20},
        {"per_page": 50, "page": 2},
        {"q": "y", "page": 1},
        {"q": ""},
    ):
        pairs = replace(state, **changes).pairs()
        assert state.query_string(**changes) == ("?" + urlencode(pairs) if pairs else "")


@pytest.mark.parametrize(
    "args",
    [
        {"page": "0"},
        {"page": "-1"},
        {"page": "abc"},
        {"page": "1e3"},
        {"page": "9" * 12},
        {"per_page": "0"},
        {"per_page": "101"},
        {"sort": "best"},
        {"q": "x" * 10241},
    ],
)
def test_bad_parameters_raise_param_error(args):
    with pytest.raises(ParamError):
        parse_search_args(MultiDict(args))


def test_page_window():
    assert page_window(1, 1) == [1]
    assert page_window(1, 10) == [1, 2, 3, None, 10]
    assert page_window(6, 12) == [1, None, 4, 5, 6, 7, 8, None, 12]
    assert page_window(99999, 3) == [1, None, 3]


def test_chart_geometry():
    assert histogram_chart([]) is None
    assert histogram_chart([("2020-01-01", 0)]) is None
    chart = histogram_chart([("2019-12-20", 1), ("2020-01-06", 0), ("2020-01-20", 4)])
    assert chart is not None
    assert chart.peak == 4 and chart.issues == 2
    tall = chart.bars[2]
    assert tall.y + tall.height == chart.base and tall.y <= 4
    assert chart.bars[1].height == 0
    assert all(b.x >= 0 and b.x + b.width <= 100 for b in chart.bars)
    assert [t.label for t in chart.ticks] == ["2019", "2020"]


def test_external_url_allows_only_http_and_https():
    assert external_url("https://arxiv.org/abs/1") == "https://arxiv.org/abs/1"
    assert external_url("http://example.com") == "http://example.com"
    for bad in (
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "data:text/html,x",
        "//evil",
        "/relative",
        "",
        None,
        "http://[bad",
        "https:no-host",
    ):
        assert external_url(bad) == ""
