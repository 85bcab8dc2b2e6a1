"""kb.search.overview on the sample index: the front page's latest issue and archive shape."""

from __future__ import annotations

from kb.search.overview import TOP_COMPANIES, TOP_TOPICS, archive_overview


def test_latest_issue_items_in_issue_order(sample_handle) -> None:
    view = sample_handle.view()
    o = archive_overview(sample_handle)
    assert o.latest_date == max(view.dates) and o.first_date == min(view.dates)
    assert o.issues == len(view.dates) and o.records == len(view.live)
    assert o.latest and all(r["date"] == o.latest_date for r in o.latest)
    lines = [r["line_start"] for r in o.latest]
    assert lines == sorted(lines)
    assert o.latest_title == o.latest[0]["issue_title"]


def test_counts_are_plain_data_most_frequent_first(sample_handle) -> None:
    o = archive_overview(sample_handle)
    assert sum(c.count for c in o.sections) == o.records
    for counts, top in ((o.sections, 99), (o.topics, TOP_TOPICS), (o.companies, TOP_COMPANIES)):
        assert counts and len(counts) <= top
        assert [c.count for c in counts] == sorted((c.count for c in counts), reverse=True)
    assert {c.value for c in o.companies} >= {"Huawei"}
    assert any(c.label == "量化" for c in o.topics)


def test_computed_once_per_generation(sample_handle) -> None:
    assert archive_overview(sample_handle) is archive_overview(sample_handle)
