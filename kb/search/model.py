"""Plain data in and out of the search core: request, hits, facet values, result."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

#: Facet registry: name, Chinese label, whether values are multi-valued per record.
FACETS: tuple[tuple[str, str], ...] = (
    ("section", "栏目"),
    ("company", "公司"),
    ("year", "年份"),
    ("outlet", "来源"),
    ("venue", "会议"),
    ("has", "包含"),
)
FACET_NAMES: tuple[str, ...] = tuple(name for name, _ in FACETS)
FACET_LABELS: dict[str, str] = dict(FACETS)
SORTS: tuple[str, ...] = ("relevance", "newest", "oldest")
MAX_PER_PAGE = 100
MAX_QUERY_CHARS = 1000


@dataclass
class SearchRequest:
    q: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)  # facet -> selected values
    sort: str = "relevance"
    page: int = 1
    per_page: int = 20


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class Hit:
    record: dict[str, Any]  # every record field, EXPORT_KEYS order
    score: float
    title_html: str  # escaped, matched words wrapped in <mark>
    snippet_html: str  # escaped summary excerpt with <mark>
    missing: list[str] = field(default_factory=list)  # query words this item lacks (best match)


@dataclass
class SearchResult:
    total: int
    page: int
    per_page: int
    hits: list[Hit]
    facets: dict[str, list[FacetValue]]
    expansions: list[str] = field(default_factory=list)  # synonyms/aliases also searched
    identifiers: list[str] = field(default_factory=list)  # arxiv:…, repo:…, title:… looked up
    suggestion: str = ""  # "did you mean" query, '' if none
    corrected_from: str = ""  # the words typed, when nothing matched them and the hits are the suggestion's
    notices: list[str] = field(default_factory=list)  # e.g. unknown field ignored, query cut
    histogram: list[tuple[str, int]] = field(default_factory=list)  # (issue date, matches)
    full_matches: int = 0  # how many results contain every query word (the rest match most)

    @property
    def partial_from(self) -> int | None:
        """1-based rank of the first result that lacks a query word (relevance order), or None."""
        return self.full_matches + 1 if self.full_matches < self.total else None

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    def to_json(self) -> dict[str, Any]:
        """`{"total", "results", "facets", ...}` as the CLI's --json and /api/search answer."""
        return {
            "total": self.total,
            "page": self.page,
            "per_page": self.per_page,
            "results": [
                {**h.record, "score": round(h.score, 4), "snippet_html": h.snippet_html, "missing": h.missing}
                for h in self.hits
            ],
            "full_matches": self.full_matches,
            "partial_from": self.partial_from,
            "facets": {k: [asdict(v) for v in vs] for k, vs in self.facets.items()},
            "expansions": self.expansions,
            "identifiers": self.identifiers,
            "suggestion": self.suggestion,
            "corrected_from": self.corrected_from,
            "notices": self.notices,
        }
