"""Repeated facet parameters are deduplicated and their count is capped (400 beyond it), so a
URL of thousands of values costs nothing (it used to render megabytes of HTML)."""

from __future__ import annotations

from urllib.parse import urlencode

from web.params import MAX_FACET_VALUES


def test_a_value_repeated_a_thousand_times_counts_once(client) -> None:
    once = client.get("/?" + urlencode({"q": "量化", "section": "paper"}))
    many = client.get("/?" + urlencode([("q", "量化")] + [("section", "paper")] * 1000))
    assert once.status_code == many.status_code == 200
    assert len(many.get_data()) < 2 * len(once.get_data())
    api = client.get("/api/search?" + urlencode([("q", "量化")] + [("section", "paper")] * 1000)).get_json()
    assert api["total"] == client.get("/api/search?q=量化&section=paper").get_json()["total"]


def test_too_many_distinct_values_are_refused(client) -> None:
    for name, count in (("has", 523), ("outlet", 2000), ("company", MAX_FACET_VALUES + 1)):
        query = urlencode([("q", "量化")] + [(name, f"v{n}") for n in range(count)])
        for path in ("/", "/api/search", "/api/facets"):
            response = client.get(f"{path}?{query}")
            assert response.status_code == 400, (path, name)
            assert f"at most {MAX_FACET_VALUES} values of {name}" in response.get_data(as_text=True)
    ok = urlencode([("q", "量化")] + [("company", f"v{n}") for n in range(MAX_FACET_VALUES)])
    assert client.get(f"/?{ok}").status_code == 200
