"""The JSON API: shapes, record keys in kb export order, parameters shared with the pages."""

from __future__ import annotations

import re

import pytest
from markupsafe import escape

from kb.records import EXPORT_KEYS
from kb.search.model import FACET_NAMES


def test_search_shape_and_record_keys(client):
    response = client.get("/api/search?q=量化&per_page=5")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    data = response.get_json()
    assert list(data) == [
        "total",
        "page",
        "per_page",
        "results",
        "full_matches",
        "partial_from",
        "facets",
        "selections",
        "expansions",
        "identifiers",
        "suggestion",
        "corrected_from",
        "notices",
        "semantic",
    ]
    assert data["semantic"] == {"status": "off", "added": 0, "from": None}
    assert data["page"] == 1 and data["per_page"] == 5
    assert 0 < len(data["results"]) <= 5 <= data["total"]
    for result in data["results"]:
        extra = ["score", "title_spans", "snippet", "snippet_spans", "missing", "similarity", "semantic"]
        extra.append("snippet_html")
        assert list(result) == list(EXPORT_KEYS) + extra  # the record as `kb export` has it, then these
        assert isinstance(result["score"], float)
        for start, end in result["title_spans"]:
            assert result["title"][start:end]
        marks = [str(escape(result["snippet"][s:e])) for s, e in result["snippet_spans"]]
        assert re.findall(r"<mark>(.*?)</mark>", result["snippet_html"]) == marks
    assert set(data["facets"]) == set(FACET_NAMES)
    value = data["facets"]["section"][0]
    assert list(value) == ["value", "label", "count", "selected"]


def test_search_json_keeps_chinese_readable(client):
    body = client.get("/api/search?q=量化&per_page=1").get_data(as_text=True)
    assert "量化" in body or "\\u" not in body


def test_search_accepts_the_page_parameters(client):
    data = client.get("/api/search?section=paper&section=code&sort=oldest&per_page=3&page=2")
    data = data.get_json()
    assert data["page"] == 2 and data["per_page"] == 3
    assert {r["section"] for r in data["results"]} <= {"paper", "code"}
    selected = {v["value"] for v in data["facets"]["section"] if v["selected"]}
    assert selected == {"paper", "code"}
    assert client.get("/api/search?per_page=100").status_code == 200


@pytest.mark.parametrize("query", ["per_page=101", "per_page=0", "page=-1", "page=abc", "sort=best"])
def test_search_bad_parameters_are_400_json(client, query):
    response = client.get(f"/api/search?{query}")
    assert response.status_code == 400
    assert list(response.get_json()) == ["error"]


def test_search_page_beyond_the_end_is_empty_not_an_error(client):
    data = client.get("/api/search?page=99999").get_json()
    assert data["results"] == [] and data["total"] > 0


def test_record_by_id(client, sample_records):
    record = sample_records[0]
    response = client.get(f"/api/records/{record['id']}")
    assert response.status_code == 200
    data = response.get_json()
    assert list(data) == list(EXPORT_KEYS)
    assert data["id"] == record["id"]
    missing = client.get("/api/records/nope")
    assert missing.status_code == 404
    assert list(missing.get_json()) == ["error"]


def test_facets_for_everything_and_for_a_query(client, sample_records):
    data = client.get("/api/facets").get_json()
    assert data["total"] == len(sample_records)
    assert set(data["facets"]) == set(FACET_NAMES)
    sections = {v["value"]: v["count"] for v in data["facets"]["section"]}
    assert sum(sections.values()) == len(sample_records)
    years = {r["date"][:4] for r in sample_records}
    assert {v["value"] for v in data["facets"]["year"]} == years
    narrowed = client.get("/api/facets?q=量化&section=paper").get_json()
    assert narrowed["total"] < data["total"]
    assert narrowed["filters"] == {"section": ["paper"]}
    paper = next(v for v in narrowed["facets"]["section"] if v["value"] == "paper")
    assert paper["selected"] and paper["count"] == narrowed["total"]


def test_issues_list(client):
    issues = client.get("/api/issues").get_json()["issues"]
    assert [i["date"] for i in issues] == ["2022-03-01", "2022-02-14", "2022-01-24", "2022-01-10"]
    assert list(issues[0]) == ["date", "source_file", "title", "intro", "records"]
