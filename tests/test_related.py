"""kb.search.related on the sample index: the five items most like one, and its neighbours."""

from __future__ import annotations

from kb.search.related import RELATED_LIMIT, concept_label, issue_neighbours, related_records


def _ids(handle, arxiv: str) -> list[str]:
    view = handle.view()
    return sorted((view.record(d) for d in view.docnums("arxiv", arxiv)), key=lambda r: r["date"])


def test_the_same_paper_in_another_issue_comes_first(sample_handle) -> None:
    first, later = _ids(sample_handle, "2201.05432")[:2]
    related = related_records(sample_handle, first["id"])
    assert related[0].record["id"] == later["id"]
    assert "arXiv:2201.05432" in related[0].shared


def test_at_most_five_records_best_first_never_itself(sample_handle) -> None:
    view = sample_handle.view()
    for docnum in view.live[:20]:
        record = view.record(docnum)
        related = related_records(sample_handle, record["id"])
        assert len(related) <= RELATED_LIMIT
        assert record["id"] not in {r.record["id"] for r in related}
        scores = [r.score for r in related]
        assert scores == sorted(scores, reverse=True) and all(s > 0 for s in scores)
        assert all(set(r.record) >= {"id", "title", "date", "section"} for r in related)


def test_unknown_id_has_no_related_items(sample_handle) -> None:
    assert related_records(sample_handle, "1999-01-01-nothing") == []


def test_neighbours_are_the_items_around_it_in_its_issue(sample_handle) -> None:
    view = sample_handle.view()
    info = next(iter(view.manifest["files"].values()))
    items = sorted((view.record(view.docnums("id", rid)[0]) for rid in info["ids"]), key=lambda r: r["line_start"])
    assert len(items) >= 3
    first = issue_neighbours(view, items[0])
    assert first.previous is None and first.next["id"] == items[1]["id"]
    middle = issue_neighbours(view, items[1])
    assert middle.previous["id"] == items[0]["id"] and middle.next["id"] == items[2]["id"]
    last = issue_neighbours(view, items[-1])
    assert last.next is None and last.previous["id"] == items[-2]["id"]


def test_concept_labels_prefer_acronyms_then_chinese() -> None:
    assert concept_label(["GPU", "图形处理器"]) == "GPU"
    assert concept_label(["quantization", "量化"]) == "量化"
    assert concept_label(["pruning"]) == "pruning"
    assert concept_label([]) == ""
