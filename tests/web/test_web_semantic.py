"""Pages and API with the semantic layer on (real model, real index of data/sample): where the
records found by meaning begin, their tag, the footer, `semantic=0`, a missing extra at start."""

from __future__ import annotations

import re

import pytest

from kb.errors import SemanticUnavailableError

Q = "smartphone sales in china last year"


@pytest.fixture(scope="module")
def semantic_client(semantic_config):
    from web.app import create_app

    return create_app(semantic_config).test_client()


def test_the_page_marks_where_records_found_by_meaning_begin(semantic_client) -> None:
    html = semantic_client.get("/", query_string={"q": Q}).get_data(as_text=True)
    assert html.count('class="semantic-notice"') == 1
    tagged = html.count('<p class="meaning-tag">语义相近</p>')
    assert tagged >= 1 and html.count('class="hit by-meaning"') == tagged
    # the notice sits in the first hit found by meaning, after the hits found by words
    hits = re.findall(r'<li class="hit( by-meaning)?">', html)
    first = hits.index(" by-meaning")
    assert first >= 1 and html.index('class="semantic-notice"') > html.index('<li class="hit">')
    assert "语义检索已开启" in html


def test_the_api_reports_the_semantic_part(semantic_client) -> None:
    data = semantic_client.get("/api/search", query_string={"q": Q}).get_json()
    assert data["semantic"]["status"] == "on" and data["semantic"]["added"] >= 1
    ranks = [n for n, r in enumerate(data["results"], 1) if r["semantic"]]
    assert ranks and data["semantic"]["from"] == ranks[0]
    assert all(isinstance(r["similarity"], float) for r in data["results"] if r["semantic"])
    words = semantic_client.get("/api/search", query_string={"q": Q, "semantic": "0"}).get_json()
    assert words["semantic"]["added"] == 0 and not any(r["semantic"] for r in words["results"])
    assert words["total"] == data["total"] - data["semantic"]["added"]


def test_the_footer_says_semantic_search_is_off(client) -> None:
    html = client.get("/issues").get_data(as_text=True)
    assert "语义检索未开启" in html
    assert "语义检索未开启" in client.get("/", query_string={"q": "量化"}).get_data(as_text=True)


def test_an_app_with_semantic_on_and_no_extra_fails_at_start(web_config) -> None:
    from web.app import create_app

    with pytest.raises(SemanticUnavailableError, match="semantic"):
        create_app(web_config.replace(semantic=True, embedder="no_such_module_kb:Embedder"))
