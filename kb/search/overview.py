"""The archive's shape for the front page: the latest issue's items, counts per section, and the
most frequent topics (synonym groups the indexer tagged, counted once per item) and companies.
Plain data, computed once per index generation. May import kb.* only.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from kb.records import SECTION_LABELS
from kb.search.index_view import IndexHandle, IndexView
from kb.search.related import concept_label, indexed_concepts

TOP_TOPICS = 12
TOP_COMPANIES = 12


@dataclass(frozen=True)
class Count:
    value: str  # what a link searches or filters for
    label: str
    count: int


@dataclass
class Overview:
    issues: int
    records: int
    first_date: str
    latest_date: str
    latest_title: str
    latest: list[dict[str, Any]] = field(default_factory=list)  # the latest issue's items, in order
    sections: list[Count] = field(default_factory=list)
    topics: list[Count] = field(default_factory=list)  # value: a query (the group's first term)
    companies: list[Count] = field(default_factory=list)  # value: the company facet value


def archive_overview(handle: IndexHandle | IndexView) -> Overview:
    view = handle.view()
    return view.cached("overview", lambda: _build(view))


def _build(view: IndexView) -> Overview:
    records = [view.record(d) for d in view.newest]
    dates = view.dates
    latest_date = dates[-1] if dates else ""
    latest = sorted((r for r in records if r["date"] == latest_date), key=lambda r: (r["source_file"], r["line_start"]))
    sections = Counter(r["section"] for r in records)
    companies = Counter(c for r in records for c in r.get("companies", []))
    topics: Counter[str] = Counter()
    for found in indexed_concepts(view).values():
        topics.update(c for c in found if c.startswith("syn:") and view.tables.group_terms(c))
    return Overview(
        issues=len(dates),
        records=len(records),
        first_date=dates[0] if dates else "",
        latest_date=latest_date,
        latest_title=latest[0].get("issue_title", "") if latest else "",
        latest=latest,
        sections=[Count(s, SECTION_LABELS.get(s, s), n) for s, n in sections.most_common()],
        topics=[_topic(view, c, n) for c, n in topics.most_common(TOP_TOPICS)],
        companies=[Count(c, view.companies.label(c), n) for c, n in companies.most_common(TOP_COMPANIES)],
    )


def _topic(view: IndexView, concept: str, count: int) -> Count:
    label = concept_label(view.tables.group_terms(concept))
    return Count(label, label, count)
